// QR codes for enrollment (otpauth:// URIs, enrollment links): an SVG for the web page and a
// text rendering for the terminal. Error correction M, 8-bit mode. Both return an empty string
// when the text cannot be encoded (empty or too long); the caller then shows the text itself.
#pragma once
#include <string>
#include <string_view>

namespace sekisho::totp {

// A self-contained SVG: black modules on white, 4-module quiet zone, one <path> for all modules.
std::string qr_svg(std::string_view text);

// UTF-8 half blocks, two QR rows per line, 2-module quiet zone. Light modules are printed as
// block characters and dark modules as spaces, so the code scans on the usual light-on-dark
// terminal (the terminal's background becomes the dark modules). On a dark-on-light terminal it
// appears inverted, which many phone scanners also read but not all.
std::string qr_terminal(std::string_view text);

}  // namespace sekisho::totp
