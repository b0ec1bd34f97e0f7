#include "core/util/digest.hpp"

#include <openssl/evp.h>

namespace sekisho {

std::string sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(), nullptr);
  return out;
}

}  // namespace sekisho
