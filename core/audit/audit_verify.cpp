#include "core/audit/audit_verify.hpp"

#include "core/audit/audit_chain.hpp"
#include "core/util/encoding.hpp"

namespace sekisho::audit {
namespace {

verify_report bad(verify_report r, std::int64_t seq, std::string problem) {
  r.ok = false;
  r.first_bad_seq = seq;
  r.problem = std::move(problem);
  return r;
}

std::string record_name(std::int64_t seq) { return "record " + std::to_string(seq); }

struct finding {
  std::int64_t seq = 0;
  std::string problem;
};

// Why `r` cannot follow `prev` (nullopt before the first record), naming the first bad seq.
std::optional<finding> link_problem(const secret& key, const std::optional<store::chain_head>& prev,
                                    const audit_record& r) {
  const std::int64_t want = prev ? prev->seq + 1 : 1;
  if (r.seq > want) {
    if (!prev) return finding{1, record_name(1) + " is missing (the chain starts at " + std::to_string(r.seq) + ")"};
    return finding{want, record_name(want) + " is missing (gap after " + std::to_string(prev->seq) + ")"};
  }
  if (r.seq < want)  // only a hand-inserted row can number itself 0 or below
    return finding{r.seq, record_name(r.seq) + " has an impossible sequence number (inserted)"};
  const bool linked = equal_constant_time(r.prev_hash, prev ? prev->hash : genesis_hash());
  const bool valid = record_hash_valid(key, r);
  // The hash covers seq and prev_hash, so a record moved to another place fails both checks;
  // an edited one still links to its predecessor but fails its own hash.
  if (!linked && !valid)
    return finding{r.seq, "records out of order at " + std::to_string(r.seq) + " (" + record_name(r.seq) +
                              " does not follow the one before it: moved, inserted or renumbered)"};
  if (!valid) return finding{r.seq, record_name(r.seq) + " was edited or forged (its hash does not match)"};
  if (!linked)
    return finding{r.seq, record_name(r.seq) +
                              " does not follow the one before it, though its own hash is valid (the chain was spliced)"};
  return std::nullopt;
}

}  // namespace

verify_report verify_chain(store::database& db, const secret& key,
                           std::optional<std::pair<std::int64_t, std::string>> expected_head) {
  verify_report report;
  std::optional<std::string> expected_hash;
  if (expected_head) {
    expected_hash = hex_decode(expected_head->second);
    if (!expected_hash || expected_hash->size() != audit_hash_size || expected_head->first < 1)
      return bad(report, 0, "the expected head is not a seq and a 64-digit hex hash");
  }

  std::optional<finding> failure;
  bool head_seen = false;
  store::for_each_audit_record(db, std::nullopt, [&](const audit_record& r) {
    failure = link_problem(key, report.head, r);
    if (failure) return false;
    if (expected_head && r.seq == expected_head->first) {
      head_seen = true;
      if (!equal_constant_time(r.hash, *expected_hash)) {
        failure = finding{r.seq, record_name(r.seq) + " differs from the head logged to syslog (the chain was rewritten)"};
        return false;
      }
    }
    ++report.records;
    report.head = store::chain_head{r.seq, r.hash};
    return true;
  });
  if (failure) return bad(report, failure->seq, failure->problem);

  if (expected_head && !head_seen) {
    const std::int64_t last = report.head ? report.head->seq : 0;
    return bad(report, last + 1,
               "chain is shorter than the expected head " + std::to_string(expected_head->first) + " (it ends at " +
                   std::to_string(last) + ": records after it were removed)");
  }
  return report;
}

}  // namespace sekisho::audit
