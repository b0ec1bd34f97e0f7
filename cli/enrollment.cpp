#include "cli/enrollment.hpp"

#include <iostream>

#include "core/store/factor_store.hpp"
#include "core/totp/qr_code.hpp"
#include "core/util/digest.hpp"
#include "core/util/random.hpp"

namespace sekisho::cli {

void issue_enrollment_link(admin_context& ctx, const store::user_row& user) {
  const auto token = random_token(32);
  const auto now = ctx.now();
  const auto expires = now + ctx.cfg.enrollment.lifetime.count();
  {
    store::transaction tx(ctx.db);
    store::revoke_enrollment_tokens(ctx.db, user.id);
    store::insert_enrollment_token(ctx.db, sha256(token), user.id, now, expires);
    ctx.audit("enrollment.link_issued", user.name, "success",
              "\"expires_at\":" + std::to_string(expires));
    tx.commit();
  }
  const auto link = ctx.cfg.enrollment.url + "?t=" + token;
  const auto hours = ctx.cfg.enrollment.lifetime.count() / 3600;
  std::cout << "Enrollment link for " << user.name << " (one use, valid " << hours << " h)\n"
            << user.name << " さんの登録用リンク（1回限り、" << hours << "時間有効）:\n\n  " << link << "\n\n";
  auto qr = totp::qr_terminal(link);
  if (!qr.empty()) std::cout << qr << "\n";
  std::cout << "Give it to the user in person; anyone holding it can enroll as " << user.name << ".\n"
            << "本人に直接渡してください。このリンクを持つ人は誰でも " << user.name << " として登録できます。\n";
}

}  // namespace sekisho::cli
