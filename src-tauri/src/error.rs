//! The error every fallible command returns, serialized as a [`Problem`]: a kind and the
//! parameters its sentence needs, which the UI turns into words from its own catalogue. The
//! English `Display` is for the logs. Never a secret.

use hearth_core::lights::LightsError;
use hearth_core::problem::Problem;
use hearth_core::remote::RemoteError;
use hearth_core::settings::SettingsError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Lights(#[from] LightsError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Demo(#[from] hearth_demo::DemoError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Hotkey(#[from] crate::hotkeys::HotkeyError),
    #[error("could not open the browser: {0}")]
    Browser(String),
    #[error("could not change launching at login: {0}")]
    LaunchAtLogin(String),
    #[error("{0}")]
    Tauri(#[from] tauri::Error),
    /// What the energy model said (its errors are already `Problem`s).
    #[error("energy: {0:?}")]
    Energy(Problem),
}

impl From<Problem> for CommandError {
    fn from(problem: Problem) -> Self {
        Self::Energy(problem)
    }
}

impl CommandError {
    /// What the UI is told.
    pub fn problem(&self) -> Problem {
        match self {
            Self::Lights(err) => err.into(),
            Self::Remote(err) => err.into(),
            Self::Demo(err) => err.into(),
            Self::Settings(err) => err.into(),
            Self::Hotkey(err) => err.problem(),
            Self::Browser(detail) => Problem::Browser {
                detail: detail.clone(),
            },
            Self::LaunchAtLogin(detail) => Problem::LaunchAtLogin {
                detail: detail.clone(),
            },
            Self::Tauri(err) => Problem::Internal {
                detail: err.to_string(),
            },
            Self::Energy(problem) => problem.clone(),
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.problem().serialize(serializer)
    }
}

/// The generated bindings type it as what it serializes to.
impl specta::Type for CommandError {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        Problem::definition(types)
    }
}

#[cfg(test)]
mod tests {
    use hearth_core::lights::LightsError;
    use serde_json::json;

    use super::CommandError;

    #[test]
    fn serializes_as_a_kind_and_its_parameters() {
        let error = CommandError::from(LightsError::NotFound("Attic".to_owned()));
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"kind": "not_found", "name": "Attic"})
        );
        assert_eq!(
            serde_json::to_value(CommandError::from(LightsError::Starting)).unwrap(),
            json!({"kind": "starting"})
        );
        assert_eq!(
            serde_json::to_value(CommandError::from(tauri::Error::WebviewNotFound)).unwrap()["kind"],
            "internal"
        );
    }
}
