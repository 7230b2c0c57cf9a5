//! The account a command acts as, named as impt names it: `IMPT_USER` and
//! `IMPT_PASSWORD`, else `IMPT_LOGINKEY`.

pub enum Credentials {
    Password { user: String, password: String },
    LoginKey(String),
}

impl Credentials {
    /// impt's credentials from the environment, as impt reads them.
    pub fn from_impt_env() -> Result<Credentials, String> {
        let var = |name| std::env::var(name).ok();
        match (var("IMPT_USER"), var("IMPT_PASSWORD"), var("IMPT_LOGINKEY")) {
            (Some(user), Some(password), _) => Ok(Credentials::Password { user, password }),
            (_, _, Some(key)) => Ok(Credentials::LoginKey(key)),
            _ => Err("set IMPT_USER and IMPT_PASSWORD, or IMPT_LOGINKEY, to the cloud account's".into()),
        }
    }
}
