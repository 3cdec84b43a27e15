/** Remix 2 classic compiler. Every v3 future flag that the classic compiler supports is on,
 * so that a later move to React Router 7 is mechanical. `v3_routeConfig` is the exception:
 * it exists only for the Vite plugin (the classic compiler asserts a Vite context and
 * fails), so routes stay in the flat-routes convention of app/routes, which React Router 7
 * reads through @react-router/fs-routes. */
// CUNPIN_BUILD_DIR lets tests and parallel work build into a separate folder.
const buildDir = process.env.CUNPIN_BUILD_DIR;
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverBuildPath: buildDir ? `${buildDir}/index.js` : "build/index.js",
  assetsBuildDirectory: buildDir ? `${buildDir}/assets` : "public/build",
  publicPath: "/build/",
  serverDependenciesToBundle: [/^react-leaflet/, /^@react-leaflet/],
  browserNodeBuiltinsPolyfill: { modules: {} },
  future: {
    v3_fetcherPersist: true,
    v3_lazyRouteDiscovery: true,
    v3_relativeSplatPath: true,
    v3_singleFetch: true,
    v3_throwAbortReason: true,
  },
};
