/**
 * The CSP nonce of the page being rendered (server.js makes one per request; see server/security.js).
 * entry.server.tsx provides it; root.tsx puts it on every <script>. In the browser it is "": scripts
 * added after hydration are loaded by the nonce'd module script, and browsers hide nonce attributes.
 */
import { createContext, useContext } from "react";

export const NonceContext = createContext<string>("");
export const useNonce = () => useContext(NonceContext);
