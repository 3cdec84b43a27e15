/**
 * The layering rule, read from the code's own imports (docs/architecture.md):
 *
 *   app (web layer) → market, logistics, traceability → core (kernel) → db
 *   logistics → market → traceability   (logistics → traceability too)
 *
 * Arrows point down only: a domain never imports app/, the kernel imports nothing but db/ and
 * libraries, no domain imports Remix or React, and no two modules import each other, directly or
 * round a circle. Seeds, tests, benchmarks and scripts sit beside the app and may import anything.
 * Type-only imports count too: a type that points up is a dependency that points up.
 *
 * A second rule keeps the browser bundle honest: a page component that uses a value imported from
 * a `*.server` module gets `undefined` in the browser (the Remix compiler empties such modules
 * there), so only loaders, actions and what they alone call may use such values.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const LAYERS = ["app", "oversight", "logistics", "market", "traceability", "core", "db"] as const;
type Layer = (typeof LAYERS)[number];
/** What each layer may import (besides itself and libraries). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  app: ["oversight", "logistics", "market", "traceability", "core", "db"],
  // Statistics read the roll-ups of everything below; nothing below depends on them (triggers keep them).
  oversight: ["logistics", "market", "traceability", "core", "db"],
  logistics: ["market", "traceability", "core", "db"],
  market: ["traceability", "core", "db"],
  traceability: ["core", "db"],
  core: ["db"],
  db: [],
};
const WEB_PACKAGES = /^(@remix-run\/|react$|react-dom($|\/)|react-leaflet|@conform-to\/react)/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || entry.name === "migrations") continue;
      out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

type Import = { spec: string; target: string | null; typeOnly: boolean; names: { name: string; typeOnly: boolean }[] };

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(
    file,
    fs.readFileSync(path.join(root, file), "utf8"),
    ts.ScriptTarget.ES2022,
    true,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
}

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("~/")) base = path.join("app", spec.slice(2));
  else if (spec.startsWith(".")) base = path.normalize(path.join(path.dirname(from), spec));
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  return base; // a CSS file or similar: still a path, for the layer check
}

function importsOf(file: string, source = parse(file)): Import[] {
  const out: Import[] = [];
  for (const stmt of source.statements) {
    if ((ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt)) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const spec = stmt.moduleSpecifier.text;
      const clause = ts.isImportDeclaration(stmt) ? stmt.importClause : undefined;
      const typeOnly = ts.isImportDeclaration(stmt) ? Boolean(clause?.isTypeOnly) : stmt.isTypeOnly;
      const names: Import["names"] = [];
      if (clause?.name) names.push({ name: clause.name.text, typeOnly });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) names.push({ name: el.name.text, typeOnly: typeOnly || el.isTypeOnly });
      }
      out.push({ spec, target: resolve(file, spec), typeOnly, names });
    }
  }
  return out;
}

const layerOf = (file: string): Layer | null => {
  const top = file.split(path.sep)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : null;
};

const files = LAYERS.flatMap((l) => sourceFiles(l));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe("the layering rule", () => {
  it("finds the layers", () => {
    expect(files.filter((f) => layerOf(f) === "market").length).toBeGreaterThan(10);
    expect(files.filter((f) => layerOf(f) === "core").length).toBeGreaterThan(5);
  });

  it("has every arrow pointing down", () => {
    const up: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file)!;
      for (const i of imports) {
        if (!i.target) continue;
        const to = layerOf(i.target);
        if (to === null) {
          // seeds, tests, bench, scripts are beside the app: nothing in the layers imports them
          up.push(`${file} → ${i.spec}`);
          continue;
        }
        if (to !== from && !ALLOWED[from].includes(to)) up.push(`${file} (${from}) → ${i.target} (${to})`);
      }
    }
    expect(up).toEqual([]);
  });

  it("keeps Remix and React out of the domains and the kernel", () => {
    const web: string[] = [];
    for (const [file, imports] of graph) {
      if (layerOf(file) === "app") continue;
      for (const i of imports) if (WEB_PACKAGES.test(i.spec)) web.push(`${file} → ${i.spec}`);
    }
    expect(web).toEqual([]);
  });

  it("has no import circles", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const i of graph.get(file) ?? []) {
        const t = i.target;
        if (!t || !graph.has(t)) continue;
        if (state.get(t) === "open") cycles.push([...stack.slice(stack.indexOf(t)), t].join(" → "));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it("catches an arrow up and a circle (the checks themselves can fail)", () => {
    const tmp = fs.mkdtempSync(path.join(root, "core", ".arch-"));
    try {
      fs.writeFileSync(
        path.join(tmp, "a.ts"),
        'import { b } from "./b";\nimport type { Db } from "../../db/client";\nimport { x } from "../../app/root";\nexport const a = 1;\n',
      );
      fs.writeFileSync(path.join(tmp, "b.ts"), 'import { a } from "./a";\nexport const b = a;\n');
      const rel = path.relative(root, tmp);
      const imports = importsOf(path.join(rel, "a.ts"));
      expect(imports.map((i) => layerOf(i.target!))).toEqual(["core", "db", "app"]);
      expect(ALLOWED.core.includes("app")).toBe(false);
      expect(importsOf(path.join(rel, "b.ts"))[0].target).toBe(path.join(rel, "a.ts"));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

/** The route exports that run in the browser. */
const CLIENT_EXPORTS = new Set([
  "default",
  "meta",
  "links",
  "ErrorBoundary",
  "handle",
  "shouldRevalidate",
  "clientLoader",
  "clientAction",
  "HydrateFallback",
  "Layout",
]);

/** Top-level declarations of a module and the identifiers each one uses. */
function topLevelUses(source: ts.SourceFile) {
  const decls = new Map<string, Set<string>>();
  const exported = new Map<string, string>(); // export name → local declaration
  const collect = (node: ts.Node, into: Set<string>) => {
    const walk = (n: ts.Node) => {
      // Types are erased: `MetaFunction<typeof loader>` does not bring the loader to the browser.
      if (ts.isTypeNode(n) || ts.isTypeAliasDeclaration(n) || ts.isInterfaceDeclaration(n)) return;
      // A name that is only a property (`x.checkout`, `{ checkout: 1 }`, `<a checkout>`) is not a use of an import.
      const p = n.parent;
      const isPropertyName =
        p &&
        ((ts.isPropertyAccessExpression(p) && p.name === n) ||
          (ts.isPropertyAssignment(p) && p.name === n) ||
          ts.isJsxAttribute(p) ||
          (ts.isBindingElement(p) && p.propertyName === n));
      if (ts.isIdentifier(n) && !isPropertyName) into.add(n.text);
      ts.forEachChild(n, walk);
    };
    walk(node);
  };
  for (const stmt of source.statements) {
    const isExport = ts.canHaveModifiers(stmt) && ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = ts.canHaveModifiers(stmt) && ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) {
      const name = stmt.name?.text ?? "default";
      const uses = new Set<string>();
      collect(stmt, uses);
      decls.set(name, uses);
      if (isExport) exported.set(isDefault ? "default" : name, name);
    } else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const uses = new Set<string>();
        if (d.initializer) collect(d.initializer, uses);
        decls.set(d.name.text, uses);
        if (isExport) exported.set(d.name.text, d.name.text);
      }
    } else if (ts.isExportAssignment(stmt)) {
      const uses = new Set<string>();
      collect(stmt.expression, uses);
      decls.set("default", uses);
      exported.set("default", "default");
    } else if (ts.isExportDeclaration(stmt) && stmt.exportClause && ts.isNamedExports(stmt.exportClause) && !stmt.moduleSpecifier) {
      for (const el of stmt.exportClause.elements) exported.set(el.name.text, (el.propertyName ?? el.name).text);
    }
  }
  return { decls, exported };
}

describe("the browser bundle", () => {
  it("never needs a value from a .server module in a page component", () => {
    const offenders: string[] = [];
    const routeLike = files.filter((f) => layerOf(f) === "app" && /\.tsx$/.test(f) && !/\.server\.tsx$/.test(f));
    for (const file of routeLike) {
      const source = parse(file);
      const serverValues = new Set(
        importsOf(file, source)
          .filter((i) => /\.server$/.test(i.spec) || /\.server\.tsx?$/.test(i.target ?? ""))
          .flatMap((i) => i.names.filter((n) => !n.typeOnly).map((n) => n.name)),
      );
      if (serverValues.size === 0) continue;
      const { decls, exported } = topLevelUses(source);
      const isRoute = file.startsWith(path.join("app", "routes")) || file === path.join("app", "root.tsx");
      // Roots: a route's browser exports; in a shared component module, everything it exports.
      const roots = isRoute ? [...exported].filter(([name]) => CLIENT_EXPORTS.has(name)).map(([, local]) => local) : [...exported.values()];
      const reached = new Set<string>();
      const queue = [...roots];
      while (queue.length) {
        const name = queue.pop()!;
        if (reached.has(name)) continue;
        reached.add(name);
        for (const used of decls.get(name) ?? []) if (decls.has(used) && !reached.has(used)) queue.push(used);
      }
      for (const name of reached) {
        for (const used of decls.get(name) ?? []) if (serverValues.has(used)) offenders.push(`${file}: ${name} uses ${used}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
