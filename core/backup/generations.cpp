#include "core/backup/generations.hpp"

#include <algorithm>
#include <ctime>
#include <regex>

namespace sekisho::backup {

std::string generation_name(std::int64_t seconds_since_epoch) {
  const std::time_t t = static_cast<std::time_t>(seconds_since_epoch);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[64];
  std::strftime(buf, sizeof buf, "sekisho-%Y%m%d-%H%M%S.skb", &utc);
  return buf;
}

bool is_generation_name(const std::string& name) {
  static const std::regex pattern("sekisho-[0-9]{8}-[0-9]{6}\\.skb");
  return std::regex_match(name, pattern);
}

result<std::vector<std::string>> prune_generations(const std::filesystem::path& dir, std::size_t keep) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (is_generation_name(name) && e.is_regular_file(ec) && !e.is_symlink(ec)) found.push_back(name);
  }
  if (ec) return make_error(dir.string() + ": cannot list the backups: " + ec.message());
  std::sort(found.begin(), found.end());  // oldest first: the names are UTC times
  std::vector<std::string> deleted;
  for (std::size_t i = 0; i + std::max<std::size_t>(keep, 1) < found.size(); ++i) {
    if (!std::filesystem::remove(dir / found[i], ec))
      return make_error((dir / found[i]).string() + ": cannot delete an old backup: " + ec.message());
    deleted.push_back(found[i]);
  }
  return deleted;
}

}  // namespace sekisho::backup
