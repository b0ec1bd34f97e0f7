#include "pam_module/conversation.hpp"

#include <cstdlib>
#include <cstring>

namespace sekisho::pam {

std::optional<secret> ask_secret(pam_handle_t* pamh, const char* prompt) {
  const void* item = nullptr;
  if (pam_get_item(pamh, PAM_CONV, &item) != PAM_SUCCESS || item == nullptr) return std::nullopt;
  const auto* conv = static_cast<const pam_conv*>(item);
  if (conv->conv == nullptr) return std::nullopt;

  pam_message message{PAM_PROMPT_ECHO_OFF, prompt};
  const pam_message* messages[] = {&message};
  pam_response* response = nullptr;
  const int rc = conv->conv(1, messages, &response, conv->appdata_ptr);
  std::optional<secret> answer;
  if (rc == PAM_SUCCESS && response != nullptr && response->resp != nullptr) answer = secret(response->resp);
  if (response != nullptr) {
    if (response->resp != nullptr) {
      wipe_memory(response->resp, std::strlen(response->resp));
      std::free(response->resp);
    }
    std::free(response);
  }
  return answer;
}

}  // namespace sekisho::pam
