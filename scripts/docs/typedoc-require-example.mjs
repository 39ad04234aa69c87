// TypeDoc plugin: (1) names each entry-point module after the import path users write
// ("@org/auth-server/express", not "bindings/express"); (2) warns — an error under
// treatWarningsAsErrors — for every exported function, class or component without an @example,
// and, in the packages listed in TYPES_NEED_EXAMPLE, for every exported type too.
import { Application, Converter, ParameterType, ReflectionKind } from "typedoc";

const NEEDS_EXAMPLE = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Variable;
const TYPE_KINDS = ReflectionKind.Interface | ReflectionKind.TypeAlias;
// The type rule is rolled out package by package: add a package here once its types have examples.
// Widening it to another package is an edit to this list only.
const TYPES_NEED_EXAMPLE = new Set([
  "@org/auth-mock-server",
  "@org/auth-react",
  "@org/auth-server",
]);
// `pnpm docs:api --reportMissingTypeExamples` lists, as info, the types of every package that
// would fail once added to TYPES_NEED_EXAMPLE (the build does not fail in that mode).
const REPORT_ALL = "reportMissingTypeExamples";
const isConstant = (name) => /^[A-Z][A-Z0-9_]*$/.test(name);

function hasExample(reflection) {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)];
  return comments.some((c) => c?.blockTags.some((tag) => tag.tag === "@example"));
}

function needsExample(reflection, typesToo) {
  if (reflection.kindOf(TYPE_KINDS)) return typesToo;
  return reflection.kindOf(NEEDS_EXAMPLE) && !isConstant(reflection.name);
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.options.addDeclaration({
    name: REPORT_ALL,
    help: "List exported types without an @example in every package, as info, instead of failing.",
    type: ParameterType.Boolean,
  });
  // Read once from the root options: the per-package copies TypeDoc converts with drop CLI flags.
  let reportAll = false;
  app.on(Application.EVENT_BOOTSTRAP_END, () => {
    reportAll = app.options.getValue(REPORT_ALL);
  });

  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const pkg = context.project.packageName ?? context.project.name;
    for (const mod of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const last = mod.name.split("/").at(-1);
      mod.name = last === "index" ? pkg : `${pkg}/${last}`;
    }
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const { project } = context;
    const pkg = project.packageName ?? project.name;
    const typesToo = reportAll || TYPES_NEED_EXAMPLE.has(pkg);
    const log = reportAll ? app.logger.info.bind(app.logger) : app.logger.warn.bind(app.logger);
    const scopes = [project, ...project.getChildrenByKind(ReflectionKind.Module)];
    for (const scope of scopes) {
      for (const reflection of scope.children ?? []) {
        if (!needsExample(reflection, typesToo) || hasExample(reflection)) continue;
        log(
          `${reflection.getFriendlyFullName()} (${ReflectionKind.singularString(reflection.kind)}) has no @example: add one to its JSDoc`,
        );
      }
    }
  });
}
