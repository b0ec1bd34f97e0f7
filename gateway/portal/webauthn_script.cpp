#include "gateway/portal/webauthn_script.hpp"

namespace sekisho::gateway {

std::string_view webauthn_script() {
  return R"js('use strict';
(function () {
  function bytes(b64url) {
    var s = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }
  function text(buffer) {
    var a = new Uint8Array(buffer), s = '';
    for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function credentials(ids) {
    return ids.map(function (id) { return { type: 'public-key', id: bytes(id) }; });
  }
  // The recovery codes page's print button (a page without script cannot print from a button).
  var print = document.getElementById('print');
  if (print) print.addEventListener('click', function () { window.print(); });
  var box = document.getElementById('webauthn');
  if (!box) return;
  var options = JSON.parse(box.getAttribute('data-options'));
  function failed() {
    var line = document.getElementById('webauthn-error');
    line.textContent = box.getAttribute('data-error');
    line.hidden = false;
  }
  function post(fields) {
    var form = document.getElementById('webauthn-form');
    for (var name in fields) form.elements[name].value = fields[name];
    form.submit();
  }
  var login = document.getElementById('passkey-login');
  if (login) login.addEventListener('click', function () {
    navigator.credentials.get({ publicKey: {
      challenge: bytes(options.challenge), rpId: options.rp_id, timeout: options.timeout_ms,
      userVerification: options.user_verification, allowCredentials: credentials(options.allow) } })
      .then(function (c) {
        post({ credential_id: text(c.rawId), client_data_json: text(c.response.clientDataJSON),
               authenticator_data: text(c.response.authenticatorData), signature: text(c.response.signature),
               user_handle: c.response.userHandle ? text(c.response.userHandle) : '' });
      }).catch(failed);
  });
  var register = document.getElementById('passkey-register');
  if (register) register.addEventListener('click', function () {
    navigator.credentials.create({ publicKey: {
      challenge: bytes(options.challenge), rp: { id: options.rp_id, name: options.rp_name },
      user: { id: bytes(options.user.id), name: options.user.name,
              displayName: options.user.display_name || options.user.name },
      pubKeyCredParams: options.algorithms.map(function (a) { return { type: 'public-key', alg: a }; }),
      excludeCredentials: credentials(options.exclude), timeout: options.timeout_ms,
      attestation: options.attestation,
      authenticatorSelection: { residentKey: options.resident_key, userVerification: options.user_verification } } })
      .then(function (c) {
        post({ raw_id: text(c.rawId), client_data_json: text(c.response.clientDataJSON),
               attestation_object: text(c.response.attestationObject) });
      }).catch(failed);
  });
})();
)js";
}

}  // namespace sekisho::gateway
