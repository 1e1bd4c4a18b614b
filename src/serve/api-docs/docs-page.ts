/**
 * The /docs page and its initialiser. Both live in code rather than in a folder of static files so the
 * build output (dist/) carries them: the Docker image copies only dist/ and the dashboard's files.
 * The page has no inline script: it is served under SAME_ORIGIN_CSP, which allows same-origin scripts only.
 */

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Latchkey API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

/** Points Swagger UI at our document; "Authorize" takes the API key for "Try it out". */
export const SWAGGER_INITIALIZER_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // Shows the x-latchkey-* markers: extension values, and parameters that need another one.
    showExtensions: true,
  });
});
`;
