use crate::receiver::ReceiveError;
use crate::transport::TransportError;

/// Why linking, exchanging a code or refreshing failed. Messages are written for the user and
/// never carry a code, a token or a secret.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("the sign-in settings are not valid: {0}")]
    Config(&'static str),
    #[error(transparent)]
    Receive(#[from] ReceiveError),
    #[error("the sign-in service did not accept the app's client id or secret")]
    InvalidClient,
    #[error(
        "the sign-in service refused the authorization (expired, already used or revoked): \
         link again"
    )]
    InvalidGrant,
    #[error("the sign-in service answered with the error `{0}`")]
    Server(String),
    #[error("the sign-in service's answer could not be understood")]
    BadReply,
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl OAuthError {
    /// Whether trying again later may succeed without the user doing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport(TransportError::Unreachable(_)) => true,
            Self::Server(code) => code == "temporarily_unavailable" || code == "server_error",
            _ => false,
        }
    }
}

pub(crate) type TokenRequestError =
    oauth2::RequestTokenError<TransportError, oauth2::basic::BasicErrorResponse>;

impl From<TokenRequestError> for OAuthError {
    fn from(err: TokenRequestError) -> Self {
        use oauth2::basic::BasicErrorResponseType as Kind;
        match err {
            oauth2::RequestTokenError::ServerResponse(response) => match response.error() {
                Kind::InvalidClient | Kind::UnauthorizedClient => Self::InvalidClient,
                Kind::InvalidGrant => Self::InvalidGrant,
                other => Self::Server(sanitize_code(other.as_ref())),
            },
            oauth2::RequestTokenError::Request(err) => Self::Transport(err),
            oauth2::RequestTokenError::Parse(..) | oauth2::RequestTokenError::Other(_) => {
                Self::BadReply
            }
        }
    }
}

/// An error code from a server, as it may be shown: RFC 6749 codes are short printable ASCII;
/// anything else is not repeated.
pub(crate) fn sanitize_code(code: &str) -> String {
    if !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        code.to_owned()
    } else {
        "unrecognised".to_owned()
    }
}
