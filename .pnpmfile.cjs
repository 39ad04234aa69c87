// pnpm hooks for this workspace.
module.exports = {
  hooks: {
    /**
     * The published manifest of every package: devDependencies are for working on this
     * repository (npm never installs a dependency's devDependencies), and here they name private
     * workspace packages (@org/auth-user is bundled at build time, never published). Dropped from
     * the tarball by `pnpm pack` / `pnpm publish`; package.json in the repository keeps them.
     */
    beforePacking(manifest) {
      delete manifest.devDependencies;
      return manifest;
    },
  },
};
