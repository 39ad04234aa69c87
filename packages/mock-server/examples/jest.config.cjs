/** Jest for the README examples: plain Node, no transform (the files are what Node runs). */
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/jest-*/**/*.test.{js,mjs}"],
  transform: {},
};
