//! Native-app OAuth 2: PKCE code flow, loopback, deep-link and paste receivers, refresh, device flow.
