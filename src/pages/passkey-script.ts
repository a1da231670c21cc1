/**
 * The passkey script of the sign-in, second-factor and account pages, served as a file under CSP
 * `script-src 'self'` (never inline): a form marked `data-webauthn="create"` or `"get"` carries the
 * server's options (JSON in `data-options`); on submit the script asks the browser's authenticator
 * (`navigator.credentials.create` / `.get`), puts the response, as JSON with base64url fields, into the
 * form's hidden `response` field and submits the form: the server does all verification. A sign-in
 * form marked `data-conditional` also offers passkeys in the username field's autofill
 * (conditional mediation) when the browser supports it.
 */
export const PASSKEY_SCRIPT = `// Passkeys (WebAuthn): served as a file under CSP script-src 'self' (no inline script).
(function () {
  'use strict';
  function toBytes(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function descriptors(list) {
    return (list || []).map(function (d) {
      var out = { type: d.type, id: toBytes(d.id) };
      if (d.transports) out.transports = d.transports;
      return out;
    });
  }
  function creationOptions(o) {
    var copy = Object.assign({}, o);
    copy.challenge = toBytes(o.challenge);
    copy.user = Object.assign({}, o.user, { id: toBytes(o.user.id) });
    copy.excludeCredentials = descriptors(o.excludeCredentials);
    return copy;
  }
  function requestOptions(o) {
    var copy = Object.assign({}, o);
    copy.challenge = toBytes(o.challenge);
    copy.allowCredentials = descriptors(o.allowCredentials);
    return copy;
  }
  function registrationJson(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : []
      }
    };
  }
  function assertionJson(credential) {
    var r = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature)
      }
    };
    if (r.userHandle && r.userHandle.byteLength > 0) json.response.userHandle = toText(r.userHandle);
    return json;
  }
  function status(form, text) {
    var box = form.querySelector('[data-webauthn-status]');
    if (box) box.textContent = text;
  }
  var conditional = null;
  function finish(form, json) {
    form.querySelector('input[name="response"]').value = JSON.stringify(json);
    form.submit();
  }
  function run(form) {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      status(form, 'This browser cannot use passkeys.');
      return;
    }
    var options = JSON.parse(form.getAttribute('data-options'));
    status(form, 'Follow the instructions of your browser or security key.');
    var create = form.getAttribute('data-webauthn') === 'create';
    var begin = function () {
      var request = create
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      request.then(
        function (credential) {
          if (!credential) return status(form, 'No passkey was chosen.');
          finish(form, create ? registrationJson(credential) : assertionJson(credential));
        },
        function () {
          status(form, 'The passkey request was cancelled or timed out. You can try again.');
        }
      );
    };
    // A pending autofill request (conditional mediation) must end before the button's own request starts.
    if (conditional) {
      var pending = conditional;
      conditional = null;
      pending.controller.abort();
      pending.settled.then(begin);
    } else {
      begin();
    }
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-webauthn')) return;
    event.preventDefault();
    run(form);
  });
  var auto = document.querySelector('form[data-webauthn="get"][data-conditional]');
  if (auto && window.PublicKeyCredential && PublicKeyCredential.isConditionalMediationAvailable) {
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available) return;
      var controller = new AbortController();
      var options = requestOptions(JSON.parse(auto.getAttribute('data-options')));
      var request = navigator.credentials.get({ publicKey: options, mediation: 'conditional', signal: controller.signal });
      conditional = { controller: controller, settled: request.then(function () {}, function () {}) };
      request.then(
        function (credential) {
          if (credential && conditional && conditional.controller === controller) finish(auto, assertionJson(credential));
        },
        function () {}
      );
    });
  }
})();`;
