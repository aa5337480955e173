//! The error every fallible command returns, serialized as `{kind, message}` so that the UI can
//! branch on `kind` and show `message`. Messages are written for the user and never carry secrets.

use hearth_core::lights::LightsError;
use hearth_core::remote::RemoteError;
use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Lights(#[from] LightsError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Demo(#[from] hearth_demo::DemoError),
    #[error("could not open the browser: {0}")]
    Browser(String),
    #[error("{0}")]
    Tauri(#[from] tauri::Error),
}

impl CommandError {
    /// A stable, machine-readable name for the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Lights(err) | Self::Demo(hearth_demo::DemoError::Lights(err)) => err.kind(),
            Self::Remote(err) | Self::Demo(hearth_demo::DemoError::Remote(err)) => err.kind(),
            Self::Demo(_) => "demo",
            Self::Browser(_) => "browser",
            Self::Tauri(_) => "internal",
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut error = serializer.serialize_struct("CommandError", 2)?;
        error.serialize_field("kind", self.kind())?;
        error.serialize_field("message", &self.to_string())?;
        error.end()
    }
}

#[cfg(test)]
mod tests {
    use hearth_core::lights::LightsError;

    use super::CommandError;

    #[test]
    fn serializes_as_kind_and_message() {
        let error = CommandError::from(LightsError::NotFound("Attic".to_owned()));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "not_found");
        assert_eq!(json["message"], "nothing is called \"Attic\"");
        assert_eq!(json.as_object().map(serde_json::Map::len), Some(2));
        assert_eq!(
            serde_json::to_value(CommandError::from(tauri::Error::WebviewNotFound)).unwrap()["kind"],
            "internal"
        );
    }
}
