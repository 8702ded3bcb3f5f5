// The office sign-in page, opened from the QR code on a key's printout:
// /office/sign-in#key=skk_... . The key is in the URL's fragment, which the browser never
// sends to the server (no access log, no proxy sees it). This fills the form with it and
// removes it from the address bar and the history; the clerk then presses "Masuk". It does
// not submit by itself: a link from someone else cannot sign this browser in unnoticed.
(function () {
  "use strict";
  var hash = window.location.hash;
  var match = /^#(?:.*&)?key=([^&]{1,200})/.exec(hash);
  if (!match) {
    return;
  }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  var key;
  try {
    key = decodeURIComponent(match[1]);
  } catch (e) {
    return;
  }
  var field = document.getElementById("api_key");
  var notice = document.getElementById("key_from_qr");
  var button = document.getElementById("sign-in");
  if (!field || !button) {
    return;
  }
  field.value = key;
  if (notice) {
    notice.hidden = false;
  }
  button.focus();
})();
