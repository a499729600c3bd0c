// swagger-ui-dist ships no types; the bundle is a UMD module whose default export builds the UI.
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const SwaggerUIBundle: (options: Record<string, unknown>) => unknown;
  export default SwaggerUIBundle;
}
