// Typed, strict reading of TOML tables with one-line errors naming the key ("table.key: what is wrong").
// Shared by the parts of the config parser; not part of the public config interface.
#pragma once
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <toml.hpp>
#include <vector>

#include "core/util/duration.hpp"

namespace sekisho::config_detail {

namespace fs = std::filesystem;

struct bad_key {
  std::string message;
};

// Reads typed values from one table and reports errors as "table.key: what is wrong".
class table_reader {
 public:
  table_reader(const toml::value* table, std::string name) : table_(table), name_(std::move(name)) {}

  const toml::value* find(const std::string& key) const {
    if (table_ == nullptr) return nullptr;
    const auto& t = table_->as_table();
    auto it = t.find(key);
    return it == t.end() ? nullptr : &it->second;
  }
  std::string qualified(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw bad_key{qualified(key) + ": " + what};
  }

  void string(const std::string& key, std::string& out) const {
    if (auto* v = find(key)) {
      if (!v->is_string()) fail(key, "expected a string");
      out = v->as_string().str;
      if (out.size() > 4096) fail(key, "too long");
    }
  }
  void path(const std::string& key, fs::path& out) const {
    std::string s;
    string(key, s);
    if (find(key)) {
      if (s.empty()) fail(key, "must not be empty");
      out = s;
    }
  }
  template <class Int>
  void integer(const std::string& key, Int& out, long long lo, long long hi) const {
    if (auto* v = find(key)) {
      if (!v->is_integer()) fail(key, "expected an integer");
      auto n = v->as_integer();
      if (n < lo || n > hi)
        fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      out = static_cast<Int>(n);
    }
  }
  void duration(const std::string& key, std::chrono::seconds& out, std::chrono::seconds lo,
                std::chrono::seconds hi) const {
    if (auto* v = find(key)) {
      if (!v->is_string()) fail(key, "expected a duration string such as \"15m\"");
      auto d = parse_duration(v->as_string().str);
      if (!d) fail(key, d.message());
      if (*d < lo || *d > hi)
        fail(key, "must be between " + std::to_string(lo.count()) + "s and " + std::to_string(hi.count()) + "s");
      out = *d;
    }
  }
  void string_list(const std::string& key, std::vector<std::string>& out) const {
    if (auto* v = find(key)) {
      if (!v->is_array()) fail(key, "expected a list of strings");
      out.clear();
      for (const auto& item : v->as_array()) {
        if (!item.is_string()) fail(key, "expected a list of strings");
        out.push_back(item.as_string().str);
      }
    }
  }
  template <class Enum>
  void choice(const std::string& key, Enum& out, const std::map<std::string, Enum>& options) const {
    std::string s;
    string(key, s);
    if (!find(key)) return;
    auto it = options.find(s);
    if (it == options.end()) {
      std::string names;
      for (const auto& [n, _] : options) names += (names.empty() ? "" : ", ") + ("\"" + n + "\"");
      fail(key, "'" + s + "' is not one of " + names);
    }
    out = it->second;
  }

  void boolean(const std::string& key, bool& out) const {
    if (auto* v = find(key)) {
      if (!v->is_boolean()) fail(key, "expected true or false");
      out = v->as_boolean();
    }
  }
  // Only the listed keys may appear in this table.
  void only_keys(const std::set<std::string>& allowed) const {
    if (table_ == nullptr) return;
    if (!table_->is_table()) throw bad_key{name_ + ": expected a table"};
    for (const auto& [key, _] : table_->as_table())
      if (!allowed.count(key)) fail(key, "unknown key");
  }
  // The elements of an array of tables ([[name]]), each with its qualified name "name[i]".
  std::vector<table_reader> tables(const std::string& key) const {
    std::vector<table_reader> out;
    auto* v = find(key);
    if (v == nullptr) return out;
    if (!v->is_array()) fail(key, "expected [[" + qualified(key) + "]] tables");
    const auto& items = v->as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string item_name = qualified(key) + "[" + std::to_string(i + 1) + "]";
      if (!items[i].is_table()) throw bad_key{item_name + ": expected a table"};
      out.emplace_back(&items[i], item_name);
    }
    return out;
  }
  table_reader table(const std::string& key) const {
    auto* v = find(key);
    if (v != nullptr && !v->is_table()) fail(key, "expected a table");
    return table_reader(v, qualified(key));
  }
  bool has(const std::string& key) const { return find(key) != nullptr; }

 private:
  const toml::value* table_;
  std::string name_;
};


}  // namespace sekisho::config_detail
