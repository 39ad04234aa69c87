// The `express4` alias (npm:express@4) shares the Express 5 typings for test purposes.
declare module "express4" {
  import express from "express";
  export default express;
}
