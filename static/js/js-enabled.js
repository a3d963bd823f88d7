// Loaded as a classic (non-module) script at the very top of <body>, before any content is
// painted, so GOV.UK Frontend's JavaScript-only styles apply without a flash of unstyled
// content. An external file because the Content-Security-Policy forbids inline scripts.
// Same test as GOV.UK Frontend's page template: browsers that support ES modules get
// `govuk-frontend-supported`, and only then will initAll() in app.js start the components.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
