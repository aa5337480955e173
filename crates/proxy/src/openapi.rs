//! The OpenAPI document of the JSON routes, served at `/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "hearth-proxy", description = "OAuth 2 device-flow proxy (RFC 8628) for Enedis Data Connect or any OAuth 2 provider. The browser pages (/device, /auth/verify_code, /auth/redirect) are not part of this API."),
    paths(
        crate::routes::device::device_code,
        crate::routes::token::token,
        crate::routes::token::proxy,
        crate::routes::data::data,
        crate::routes::ops::healthz,
    ),
    components(schemas(
        crate::routes::device::DeviceCodeForm,
        crate::routes::device::DeviceCodeResponse,
        crate::routes::token::TokenForm,
        crate::routes::token::TokenResponse,
        crate::error::ErrorBody,
        crate::routes::data::DataPath,
    )),
    modifiers(&Bearer)
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}
