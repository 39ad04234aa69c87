// `node --import ./recordLoads.mjs app.mjs`: appends the URL of every module Node loads to the
// file named by MODULE_GRAPH_FILE (the hooks run on their own thread, hence a file).
import { register } from "node:module";

register("./loadHooks.mjs", import.meta.url, {
  data: {
    file: process.env.MODULE_GRAPH_FILE,
    missing: (process.env.MODULE_GRAPH_MISSING ?? "").split(",").filter(Boolean),
  },
});
