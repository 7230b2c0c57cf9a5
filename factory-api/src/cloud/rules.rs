//! impCentral's rules as plain functions over entities, so every backend enforces them
//! the same way, and the values (agent URLs, tokens, webhook payloads) every backend
//! derives the same way.

use super::*;

/// Agent URLs live under this host; the runtime routes requests to them locally.
pub const AGENT_URL_BASE: &str = "https://agent.electricimp.com/";

/// The agent URL a cloud gives `device`: stable, derived from its id.
pub fn agent_url_for(device: &DeviceId) -> String {
    format!("{AGENT_URL_BASE}{:012x}", digest(&device.0) & 0xffff_ffff_ffff)
}

/// The `n`th factory enrolment token a fixture is given: unguessable enough for a
/// simulation and unique per cloud.
pub fn enrolment_token(fixture: &DeviceId, n: u64) -> String {
    format!("{:016x}{n:016x}", digest(&fixture.0))
}

/// Whether `token` is one of the enrolment tokens `fixture` is given.
pub fn token_issued_to(token: &str, fixture: &DeviceId) -> bool {
    token.starts_with(&format!("{:016x}", digest(&fixture.0)))
}

/// The webhook payload of a blessing.
pub fn blessing_payload(device: &Device) -> Vec<(String, String)> {
    vec![("device_id".into(), device.id.to_string()), ("imp_id".into(), device.imp_id())]
}

/// The webhook payload of a deployment.
pub fn deployment_payload(group: GroupId, deployment: DeploymentId) -> Vec<(String, String)> {
    vec![("devicegroup_id".into(), group.to_string()), ("deployment_id".into(), deployment.to_string())]
}

/// Checks a (pre-)factory group's targets: each of the kind its role needs and in the
/// factory's product.
pub fn check_targets(factory: &DeviceGroup, dut: &DeviceGroup, production: &DeviceGroup) -> Result<(), CloudError> {
    let (dut_kind, production_kind) =
        factory.kind.targets().ok_or(CloudError::TargetsOnlyOnFactoryGroups(factory.kind))?;
    for (target, role, expected) in [(dut, "DUT", dut_kind), (production, "production", production_kind)] {
        if target.kind != expected {
            return Err(CloudError::TargetTypeMismatch { group: factory.kind, role, expected, actual: target.kind });
        }
        if target.product != factory.product {
            return Err(CloudError::TargetInOtherProduct(target.id));
        }
    }
    Ok(())
}

/// Checks that `key` lets `device` out of production (any key does for an unblessed one).
pub fn check_unbond_key(device: &Device, account: Option<&Account>, key: Option<&str>) -> Result<(), CloudError> {
    if !device.blessed {
        return Ok(());
    }
    match key {
        None => Err(CloudError::UnbondKeyRequired(device.id.clone())),
        Some(key) if account.is_some_and(|a| a.unbond_key == key) => Ok(()),
        Some(_) => Err(CloudError::WrongUnbondKey),
    }
}

/// Checks that `device` may be assigned to `group` by hand.
pub fn check_assignment(device: &Device, group: &DeviceGroup, group_account: AccountId) -> Result<(), CloudError> {
    if group.kind.is_dut() || group.kind.is_production() {
        return Err(CloudError::ManualAssignment(group.kind));
    }
    if device.account.is_some_and(|a| a != group_account) {
        return Err(CloudError::DeviceOfOtherAccount(device.id.clone()));
    }
    if device.blessed {
        return Err(CloudError::UnbondKeyRequired(device.id.clone()));
    }
    Ok(())
}

/// A short stable hex digest, for agent ids and tokens.
pub fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_fixture() {
        let (fixture, other) = (DeviceId::new("30000c2a69000001"), DeviceId::new("30000c2a69000002"));
        let token = enrolment_token(&fixture, 7);
        assert!(token_issued_to(&token, &fixture));
        assert!(!token_issued_to(&token, &other));
    }
}
