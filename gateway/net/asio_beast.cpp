// The one translation unit that compiles Asio (with SSL) and Beast; every other file only declares.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
