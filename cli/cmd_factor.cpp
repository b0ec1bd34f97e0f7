// `sekisho totp add` and `sekisho recovery-codes`: second factors an admin sets up at the
// console, for accounts that never use the web portal (SSH-only, network devices).
#include <iostream>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "cli/terminal.hpp"
#include "core/recovery/recovery_codes.hpp"
#include "core/seal/sealer.hpp"
#include "core/store/factor_store.hpp"
#include "core/totp/otpauth_uri.hpp"
#include "core/totp/qr_code.hpp"
#include "core/totp/totp.hpp"
#include "core/util/encoding.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

int run_totp_add(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, true);
  if (!ctx) return fail(ctx.message());
  auto user = ctx->require_user(a.positional[0]);
  if (!user) return exit_failed;
  const auto& tc = ctx->cfg.totp;
  const totp::totp_params params{tc.algorithm, tc.digits, static_cast<int>(tc.period.count())};
  const secret seed(totp::generate_secret(tc.algorithm));
  const auto uri = totp::make_otpauth_uri(tc.issuer, user->name, seed.view(), params);
  std::cout << "Scan this with the authenticator app / 認証アプリでこのQRコードを読み取ってください:\n\n";
  auto qr = totp::qr_terminal(uri);
  if (!qr.empty()) std::cout << qr << "\n";
  std::cout << "Or enter this key by hand / または次のキーを手で入力: " << base32_encode(seed.view()) << "\n\n"
            << std::flush;
  auto code = read_line("Code shown in the app now / アプリに表示されているコード: ");
  if (!code) return fail(code.message());
  auto step = totp::verify_code(seed.view(), params, *code, ctx->now(), tc.window);
  if (!step) {
    ctx->audit("totp.add", user->name, "failure", "\"reason\":\"confirmation_code_wrong\"");
    return fail("that code is not right; nothing was saved (check the phone's clock) / コードが違います。保存していません");
  }
  const auto label = a.get("--label", "authenticator app");
  store::transaction tx(ctx->db);
  const auto id = store::insert_totp(ctx->db, user->id, label, to_string(tc.algorithm), tc.digits,
                                     static_cast<int>(tc.period.count()), true, ctx->now());
  store::set_totp_secret(ctx->db, id, seal::seal(*ctx->keys, seed.view(), {"totp_credentials", id, user->id}));
  store::advance_totp_step(ctx->db, id, *step);  // the confirmation code cannot be used again to log in
  ctx->audit("totp.add", user->name, "success");
  tx.commit();
  std::cout << "Authenticator app added for " << user->name << " / 認証アプリを登録しました\n";
  return exit_ok;
}

int run_recovery_codes(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  auto user = ctx->require_user(a.positional[0]);
  if (!user) return exit_failed;
  password::password_hasher hasher(recovery::hash_params(), ctx->cfg.password.max_concurrent_hashes);
  const auto set = recovery::generate_codes(hasher);
  store::transaction tx(ctx->db);
  store::replace_recovery_codes(ctx->db, user->id, set.hashes);
  ctx->audit("recovery_codes.generate", user->name, "success");
  tx.commit();
  std::cout << "Recovery codes for " << user->name << ". Each works once; earlier codes no longer work.\n"
            << user->name << " さんの回復コード。各コードは1回だけ使えます。以前のコードは無効になりました。\n\n";
  for (const auto& c : set.codes) std::cout << "  " << c << "\n";
  std::cout << "\nKeep them on paper in a safe place. They are not shown again.\n"
               "紙に書いて安全な場所に保管してください。再表示はできません。\n";
  return exit_ok;
}

}  // namespace

std::vector<command> factor_commands() {
  return {
      {"totp add", "add an authenticator app for a user: shows a QR code, then asks for a code",
       "USER [--label TEXT]\n\nThe code from the app is read from the terminal (or one line of standard input);\n"
       "nothing is saved unless it is right.",
       {{"--label"}, {}, 1, 1}, run_totp_add},
      {"recovery-codes", "print 10 new single-use recovery codes for a user (voids the old ones)", "USER",
       {{}, {}, 1, 1}, run_recovery_codes},
  };
}

}  // namespace sekisho::cli
