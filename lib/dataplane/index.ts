export { handleDataPlane } from "./router.ts";
