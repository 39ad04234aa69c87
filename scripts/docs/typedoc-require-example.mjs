// TypeDoc plugin: (1) names each entry-point module after the import path users write
// ("@org/auth-server/express", not "bindings/express"); (2) warns — an error under
// treatWarningsAsErrors — for every exported function, class or component without an @example.
import { Converter, ReflectionKind } from "typedoc";

const NEEDS_EXAMPLE = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Variable;
const isConstant = (name) => /^[A-Z][A-Z0-9_]*$/.test(name);

function hasExample(reflection) {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)];
  return comments.some((c) => c?.blockTags.some((tag) => tag.tag === "@example"));
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const pkg = context.project.packageName ?? context.project.name;
    for (const mod of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const last = mod.name.split("/").at(-1);
      mod.name = last === "index" ? pkg : `${pkg}/${last}`;
    }
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const { project } = context;
    const scopes = [project, ...project.getChildrenByKind(ReflectionKind.Module)];
    for (const scope of scopes) {
      for (const reflection of scope.children ?? []) {
        if (!reflection.kindOf(NEEDS_EXAMPLE) || isConstant(reflection.name)) continue;
        if (!hasExample(reflection)) {
          app.logger.warn(
            `${reflection.getFriendlyFullName()} (${ReflectionKind.singularString(reflection.kind)}) has no @example: add one to its JSDoc`,
          );
        }
      }
    }
  });
}
