// Words shared by registration and assertion: algorithms, user-verification policy, the relying party.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::webauthn {

// The COSE algorithms libfido2 1.12 can verify (standards.md WA-G-03); the values are COSE's.
enum class cose_alg : int {
  es256 = -7,    // ECDSA P-256 with SHA-256
  eddsa = -8,    // Ed25519
  es384 = -35,   // ECDSA P-384 with SHA-384
  rs256 = -257,  // RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys only (libfido2)
};

// What pubKeyCredParams offers by default, in order of preference.
inline const std::vector<cose_alg> default_algorithms = {cose_alg::es256, cose_alg::eddsa, cose_alg::es384,
                                                         cose_alg::rs256};

// userVerification as requested from the browser. `preferred` (and `discouraged`, which we never send)
// accept UV=0 and report it; `required` refuses UV=0.
enum class user_verification { preferred, required };

// The relying party as configured: the RP ID ("hospital.example") and the exact origins
// ("https://gw.hospital.example") allowed to run ceremonies for it.
struct relying_party {
  std::string id;
  std::vector<std::string> origins;
};

// authenticatorData flag bits (WebAuthn §6.1). libfido2 1.12 lacks BE and BS (LF-F-10).
namespace flag {
inline constexpr std::uint8_t user_present = 0x01;
inline constexpr std::uint8_t user_verified = 0x04;
inline constexpr std::uint8_t backup_eligible = 0x08;
inline constexpr std::uint8_t backup_state = 0x10;
inline constexpr std::uint8_t attested_credential = 0x40;
inline constexpr std::uint8_t extension_data = 0x80;
}  // namespace flag

}  // namespace sekisho::webauthn
