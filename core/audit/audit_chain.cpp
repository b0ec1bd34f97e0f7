#include "core/audit/audit_chain.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "core/util/key_file.hpp"

namespace sekisho::audit {
namespace {

constexpr std::string_view domain_tag = "sekisho-audit-v1";

struct mac_deleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

std::array<unsigned char, 8> big_endian(std::uint64_t v) {
  std::array<unsigned char, 8> out{};
  for (int i = 7; i >= 0; --i, v >>= 8) out[static_cast<std::size_t>(i)] = static_cast<unsigned char>(v & 0xff);
  return out;
}

class hmac_sha256 {
 public:
  explicit hmac_sha256(const secret& key) {
    mac_.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (mac_) ctx_.reset(EVP_MAC_CTX_new(mac_.get()));
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    if (!ctx_ || EVP_MAC_init(ctx_.get(), key.bytes(), key.size(), params) != 1)
      throw std::runtime_error("audit chain: OpenSSL cannot set up HMAC-SHA-256");
  }

  void add_raw(std::string_view bytes) {
    if (EVP_MAC_update(ctx_.get(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) != 1)
      throw std::runtime_error("audit chain: HMAC update failed");
  }
  void add_int(std::int64_t v) {
    const auto b = big_endian(static_cast<std::uint64_t>(v));
    add_raw({reinterpret_cast<const char*>(b.data()), b.size()});
  }
  void add_field(std::string_view bytes) {
    add_int(static_cast<std::int64_t>(bytes.size()));
    add_raw(bytes);
  }

  std::string finish() {
    std::string out(audit_hash_size, '\0');
    std::size_t len = 0;
    if (EVP_MAC_final(ctx_.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) != 1 ||
        len != audit_hash_size)
      throw std::runtime_error("audit chain: HMAC final failed");
    return out;
  }

 private:
  std::unique_ptr<EVP_MAC, mac_deleter> mac_;
  std::unique_ptr<EVP_MAC_CTX, mac_deleter> ctx_;
};

}  // namespace

std::string genesis_hash() { return std::string(audit_hash_size, '\0'); }

std::string chain_hash(const secret& key, std::string_view prev_hash, std::int64_t seq, std::int64_t time,
                       const audit_event& e) {
  if (key.size() != audit_key_size) throw std::invalid_argument("audit chain: the audit key must be 32 bytes");
  hmac_sha256 h(key);
  h.add_raw(domain_tag);
  h.add_field(prev_hash);
  h.add_int(seq);
  h.add_int(time);
  for (const std::string* f : {&e.event, &e.user, &e.source, &e.channel, &e.method, &e.result, &e.details})
    h.add_field(*f);
  return h.finish();
}

bool record_hash_valid(const secret& key, const audit_record& r) {
  return equal_constant_time(chain_hash(key, r.prev_hash, r.seq, r.time, r), r.hash);
}

result<void> create_audit_key(const std::filesystem::path& path) { return create_key_file(path, audit_key_size); }

result<secret> read_audit_key(const std::filesystem::path& path) { return read_key_file(path, audit_key_size); }

}  // namespace sekisho::audit
