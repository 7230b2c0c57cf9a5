//! The account a command acts as, named as impt names it: `IMPT_LOGINKEY`, else
//! `IMPT_USER` and `IMPT_PASSWORD`.

pub enum Credentials {
    Password { user: String, password: String },
    LoginKey(String),
}

impl Credentials {
    /// impt's credentials from the environment, as impt reads them (a login key wins).
    pub fn from_impt_env() -> Result<Credentials, String> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (var("IMPT_LOGINKEY"), var("IMPT_USER"), var("IMPT_PASSWORD")) {
            (Some(key), _, _) => Ok(Credentials::LoginKey(key)),
            (None, Some(user), Some(password)) => Ok(Credentials::Password { user, password }),
            _ => Err("set IMPT_USER and IMPT_PASSWORD, or IMPT_LOGINKEY, to the cloud account's".into()),
        }
    }
}
