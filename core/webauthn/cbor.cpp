#include "core/webauthn/cbor.hpp"

#include <cstdlib>
#include <limits>

namespace sekisho::webauthn::cbor {
namespace {

struct head {
  int major = 0;
  std::uint64_t arg = 0;
  std::size_t size = 0;  // bytes of the head itself
};

// The initial byte and its argument. Refuses indefinite lengths (31), reserved values (28–30),
// and simple values other than false/true/null/undefined and floats.
std::optional<head> read_head(std::string_view in, std::size_t pos) {
  if (pos >= in.size()) return std::nullopt;
  const auto first = static_cast<unsigned char>(in[pos]);
  head h;
  h.major = first >> 5;
  const unsigned info = first & 31u;
  std::size_t extra = 0;
  if (info < 24) {
    h.arg = info;
  } else if (info <= 27) {
    extra = std::size_t{1} << (info - 24);
  } else {
    return std::nullopt;
  }
  if (in.size() - pos - 1 < extra) return std::nullopt;
  for (std::size_t i = 0; i < extra; ++i) h.arg = h.arg << 8 | static_cast<unsigned char>(in[pos + 1 + i]);
  h.size = 1 + extra;
  if (h.major == 6) return std::nullopt;  // tags: not in CTAP2 canonical CBOR
  if (h.major == 7 && info < 24 && (info < 20 || info > 23)) return std::nullopt;
  if (h.major == 7 && info == 24) return std::nullopt;
  return h;
}

// Walks one item; returns the position just after it.
std::optional<std::size_t> skip_item(std::string_view in, std::size_t pos, int depth_left) {
  const auto h = read_head(in, pos);
  if (!h) return std::nullopt;
  pos += h->size;
  const std::size_t left = in.size() - pos;
  switch (h->major) {
    case 2:
    case 3:
      if (h->arg > left) return std::nullopt;
      return pos + static_cast<std::size_t>(h->arg);
    case 4:
    case 5: {
      if (depth_left <= 0) return std::nullopt;
      // Every item takes at least one byte: a count beyond what is left is a lie, refuse it early.
      if (h->arg > left || (h->major == 5 && h->arg > left / 2)) return std::nullopt;
      const std::uint64_t items = h->major == 5 ? h->arg * 2 : h->arg;
      for (std::uint64_t i = 0; i < items; ++i) {
        auto next = skip_item(in, pos, depth_left - 1);
        if (!next) return std::nullopt;
        pos = *next;
      }
      return pos;
    }
    default:
      return pos;
  }
}

}  // namespace

std::optional<std::size_t> item_size(std::string_view in, int max_depth) { return skip_item(in, 0, max_depth); }

item_ptr load_prefix(std::string_view in, int max_depth, std::size_t& used) {
  used = 0;
  const auto size = item_size(in, max_depth);
  if (!size) return nullptr;
  cbor_load_result res{};
  item_ptr item(cbor_load(reinterpret_cast<cbor_data>(in.data()), *size, &res));
  // libcbor must agree with the walk; any disagreement means one of us misread the bytes.
  if (!item || res.error.code != CBOR_ERR_NONE || res.read != *size) return nullptr;
  used = *size;
  return item;
}

item_ptr load_exact(std::string_view in, int max_depth) {
  std::size_t used = 0;
  auto item = load_prefix(in, max_depth, used);
  if (!item || used != in.size()) return nullptr;
  return item;
}

std::optional<std::string_view> text(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_string(item) || !cbor_string_is_definite(item)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(cbor_string_handle(item)), cbor_string_length(item));
}

std::optional<std::string_view> bytes(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(cbor_bytestring_handle(item)),
                          cbor_bytestring_length(item));
}

std::optional<std::int64_t> integer(const cbor_item_t* item) {
  if (item == nullptr) return std::nullopt;
  const bool negative = cbor_isa_negint(item);
  if (!negative && !cbor_isa_uint(item)) return std::nullopt;
  const std::uint64_t v = cbor_get_int(item);
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  // CBOR's negative integers carry −1 − n.
  return negative ? -1 - static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
}

std::optional<bool> boolean(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_float_ctrl(item) || !cbor_float_ctrl_is_ctrl(item) || !cbor_is_bool(item))
    return std::nullopt;
  return cbor_get_bool(item);
}

namespace {

bool same_key(const cbor_item_t* a, const cbor_item_t* b) {
  if (auto ta = text(a)) return text(b) == ta;
  if (auto ia = integer(a)) return integer(b) == ia;
  return false;
}

}  // namespace

bool is_plain_map(const cbor_item_t* item, std::size_t max_pairs) {
  if (item == nullptr || !cbor_isa_map(item) || !cbor_map_is_definite(item)) return false;
  const std::size_t n = cbor_map_size(item);
  if (n > max_pairs) return false;
  const cbor_pair* pairs = cbor_map_handle(item);
  for (std::size_t i = 0; i < n; ++i) {
    if (!text(pairs[i].key) && !integer(pairs[i].key)) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (same_key(pairs[i].key, pairs[j].key)) return false;
  }
  return true;
}

const cbor_item_t* find(const cbor_item_t* map, std::string_view key) {
  if (map == nullptr || !cbor_isa_map(map)) return nullptr;
  const cbor_pair* pairs = cbor_map_handle(map);
  for (std::size_t i = 0; i < cbor_map_size(map); ++i)
    if (text(pairs[i].key) == key) return pairs[i].value;
  return nullptr;
}

const cbor_item_t* find(const cbor_item_t* map, std::int64_t key) {
  if (map == nullptr || !cbor_isa_map(map)) return nullptr;
  const cbor_pair* pairs = cbor_map_handle(map);
  for (std::size_t i = 0; i < cbor_map_size(map); ++i)
    if (integer(pairs[i].key) == key) return pairs[i].value;
  return nullptr;
}

std::string serialize(const cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  std::size_t capacity = 0;
  const std::size_t n = cbor_serialize_alloc(item, &buffer, &capacity);
  std::string out;
  if (n > 0 && buffer != nullptr) out.assign(reinterpret_cast<const char*>(buffer), n);
  std::free(buffer);
  return out;
}

}  // namespace sekisho::webauthn::cbor
