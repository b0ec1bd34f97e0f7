#include "core/webauthn/attestation_object.hpp"

#include "core/webauthn/refusal.hpp"

namespace sekisho::webauthn {
namespace {

// attestationObject → attStmt → x5c array → certificate bytes: three levels, one to spare.
constexpr int max_depth = 4;
constexpr std::size_t max_fmt_bytes = 32;

}  // namespace

result<attestation_object> parse_attestation_object(std::string_view raw) {
  if (raw.size() > max_attestation_object_bytes) return refuse(refusal::input_too_large, "attestationObject");
  auto top = cbor::load_exact(raw, max_depth);
  if (!top) return refuse(refusal::attestation_object_malformed, "not one definite CBOR item");
  if (!cbor::is_plain_map(top.get(), 3) || cbor_map_size(top.get()) != 3)
    return refuse(refusal::attestation_object_malformed, "not a map of fmt, attStmt and authData");
  const auto fmt = cbor::text(cbor::find(top.get(), "fmt"));
  const cbor_item_t* statement = cbor::find(top.get(), "attStmt");
  const auto auth_data = cbor::bytes(cbor::find(top.get(), "authData"));
  if (!fmt || fmt->empty() || fmt->size() > max_fmt_bytes || statement == nullptr || !cbor_isa_map(statement) ||
      !auth_data)
    return refuse(refusal::attestation_object_malformed, "fmt, attStmt or authData missing or mistyped");
  attestation_object out;
  out.fmt = std::string(*fmt);
  out.statement = cbor::item_ptr(cbor_incref(const_cast<cbor_item_t*>(statement)));
  out.auth_data = std::string(*auth_data);
  return out;
}

}  // namespace sekisho::webauthn
