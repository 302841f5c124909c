// Cognito hosted UI sign-in: authorization code with PKCE (RFC 7636). The verifier and state live in
// sessionStorage only between the redirect and the return; the token only in sessionStorage (this tab).
const FLOW = "tenantline-pkce";

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function randomString(n = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}
export function redirectUri() {
  return location.origin + location.pathname;
}

// popup: inside the agent workspace's frame the hosted UI cannot load (it refuses to be framed), so it opens
// in a pop-up window, which hands the code back to this tab (same origin) and closes; this tab, which holds
// the verifier, exchanges it.
export async function startSignIn(domain, clientId, popup = false) {
  const verifier = randomString(48);
  const state = (popup ? "p." : "r.") + randomString(16);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(FLOW, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: redirectUri(),
    scope: "openid email profile", code_challenge_method: "S256", code_challenge: challenge, state });
  const url = `${domain}/oauth2/authorize?${query}`;
  if (!popup) return location.assign(url);
  const win = window.open(url, "tenantline-signin", "popup,width=480,height=680");
  if (!win) throw new Error("allow pop-ups for this page to sign in");
  const params = await new Promise((resolve) => {
    window.addEventListener("message", function answer(e) {
      if (e.origin !== location.origin || !e.data || typeof e.data.tenantlineSignIn !== "string") return;
      window.removeEventListener("message", answer);
      resolve(new URLSearchParams(e.data.tenantlineSignIn));
    });
  });
  return finishSignIn(domain, clientId, params);
}

// In the pop-up, back from the hosted UI: give the answer to the tab that asked, and close.
export function handBackFromPopup() {
  const params = new URLSearchParams(location.search);
  if (!params.has("code") || !(params.get("state") || "").startsWith("p.") || !window.opener) return false;
  window.opener.postMessage({ tenantlineSignIn: location.search }, location.origin);
  window.close();
  return true;
}

// On the way back: ?code=&state= → tokens. The code is removed from the address bar at once.
export async function finishSignIn(domain, clientId, params = null) {
  if (!params) {
    params = new URLSearchParams(location.search);
    if (params.has("code")) history.replaceState(null, "", redirectUri());
  }
  const code = params.get("code");
  if (!code) return null;
  const flow = JSON.parse(sessionStorage.getItem(FLOW) || "null");
  sessionStorage.removeItem(FLOW);
  if (!flow || flow.state !== params.get("state")) throw new Error("the sign-in answer does not match this tab's request");
  const response = await fetch(`${domain}/oauth2/token`, {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: clientId, code,
      redirect_uri: redirectUri(), code_verifier: flow.verifier }),
  });
  if (!response.ok) throw new Error(`sign-in failed (${response.status})`);
  const tokens = await response.json();
  const claims = JSON.parse(atob(tokens.id_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  // API Gateway's Cognito authorizer takes the ID token.
  return { token: tokens.id_token, username: claims["cognito:username"] || claims.email || claims.sub,
    role: (claims["cognito:groups"] || ["csr"])[0] };
}

export function signOutUrl(domain, clientId) {
  return `${domain}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: redirectUri() })}`;
}
