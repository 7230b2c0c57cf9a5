// Drives `impish cloud serve` through Electric Imp's `imp-central-api` client, as a
// factory's own tools would: `node api_client.js setup|after`. Settings come from the
// environment (see tests/cloud_api.rs); the last line printed is the state as JSON.
'use strict';
const assert = require('assert');
const ImpCentralApi = require('imp-central-api');
const Errors = ImpCentralApi.Errors;

const env = process.env;
let checks = 0;

function api(endpoint) {
    return new ImpCentralApi(endpoint);
}

// Resolves with the status of the impCentral error `promise` must reject with.
async function failure(promise) {
    try {
        await promise;
    } catch (e) {
        assert(e instanceof Errors.ImpCentralApiError, 'not an API error: ' + e);
        assert(e.body && e.body.errors && e.body.errors[0].detail, 'an error body with a detail');
        return e.statusCode;
    }
    assert.fail('the request succeeded');
}

function check(what, condition) {
    assert(condition, what);
    checks++;
}

async function setup() {
    const impCentral = api(env.ENDPOINT);
    check('a wrong password is refused', await failure(impCentral.auth.login(env.USER_NAME, 'wrong')) === 401);
    const auth = await impCentral.auth.login(env.USER_NAME, env.PASSWORD);
    check('login gives an access and a refresh token', auth.access_token && auth.refresh_token && auth.expires_at);

    const product = (await impCentral.products.create({ name: 'Kettle', description: 'a smart kettle' })).data;
    check('a product', product.type === 'product' && product.attributes.name === 'Kettle');
    const products = await impCentral.products.list();
    check('products are listed', products.data.length === 1 && products.data[0].id === product.id);
    check('product names are unique', await failure(impCentral.products.create({ name: 'Kettle' })) === 409);

    const T = ImpCentralApi.DeviceGroups;
    const create = async (type, name, production, dut) =>
        (await impCentral.deviceGroups.create(product.id, type, { name: name }, production, dut)).data;
    const production = await create(T.TYPE_PRODUCTION, 'Shipped');
    const dut = await create(T.TYPE_DUT, 'Line DUTs');
    const factory = await create(T.TYPE_FACTORY_FIXTURE, 'Line fixtures',
        { type: production.type, id: production.id }, { type: dut.type, id: dut.id });
    check('a factory group with its targets', factory.relationships.production_target.id === production.id &&
        factory.relationships.dut_target.id === dut.id);
    const development = await create(T.TYPE_DEVELOPMENT, 'Bench');
    const preProduction = await create(T.TYPE_PRE_PRODUCTION, 'Test shipped');
    const preDut = await create(T.TYPE_PRE_DUT, 'Test DUTs');
    await create(T.TYPE_PRE_FACTORY_FIXTURE, 'Test fixtures',
        { type: preProduction.type, id: preProduction.id }, { type: preDut.type, id: preDut.id });
    const groups = await impCentral.deviceGroups.list({ 'filter[product.id]': product.id });
    check('all seven kinds of group', groups.data.length === 7);
    const factories = await impCentral.deviceGroups.list({ 'filter[type]': T.TYPE_FACTORY_FIXTURE });
    check('groups filtered by type', factories.data.length === 1 && factories.data[0].id === factory.id);
    const other = (await impCentral.products.create({ name: 'Other' })).data;
    const foreign = (await impCentral.deviceGroups.create(other.id, T.TYPE_PRODUCTION, { name: 'Elsewhere' })).data;
    const mismatched = impCentral.deviceGroups.create(product.id, T.TYPE_FACTORY_FIXTURE, { name: 'Bad' },
        { type: foreign.type, id: foreign.id }, { type: dut.type, id: dut.id });
    check('a target in another product is refused', await failure(mismatched) === 400);
    await impCentral.deviceGroups.delete(foreign.id);
    await impCentral.products.delete(other.id);

    const updated = await impCentral.deviceGroups.update(production.id, production.type, { load_code_after_blessing: false });
    check('load_code_after_blessing is set', updated.data.attributes.load_code_after_blessing === false);

    const deploy = async (group, code, attributes) => (await impCentral.deployments.create(group.id, group.type,
        Object.assign({ device_code: code, agent_code: '// agent', origin: 'impt' }, attributes))).data;
    const fixtureBuild = await deploy(factory, 'fixture()', { tags: ['fixture'] });
    const dutBuild = await deploy(dut, 'dut()', {});
    const appBuild = await deploy(production, 'app()', { flagged: true, description: 'v1.0', tags: ['release', 'v1'] });
    check('a deployment keeps its attributes', appBuild.attributes.flagged === true &&
        appBuild.attributes.tags.join() === 'release,v1' && appBuild.attributes.sha.length === 64 &&
        appBuild.relationships.devicegroup.id === production.id);
    const builds = await impCentral.deployments.list({ 'filter[devicegroup.id]': production.id });
    check('deployments by group', builds.data.length === 1 && builds.data[0].id === appBuild.id);
    const tagged = await impCentral.deployments.list({ 'filter[tags]': 'fixture' });
    check('deployments by tag', tagged.data.length === 1 && tagged.data[0].id === fixtureBuild.id);
    const current = await impCentral.deviceGroups.get(dut.id);
    check('the current deployment', current.data.relationships.current_deployment.id === dutBuild.id);

    const hook = (await impCentral.webhooks.create(production.id, production.type,
        { event: 'blessing', url: env.WEBHOOK_URL, content_type: 'application/json' })).data;
    check('a blessing webhook', hook.attributes.event === 'blessing');
    const hooks = await impCentral.webhooks.list({ 'filter[devicegroup.id]': production.id });
    check('webhooks by group', hooks.data.length === 1);
    const moved = (await impCentral.webhooks.update(hook.id, { url: env.WEBHOOK_URL + '2' })).data;
    check('a webhook is updated', moved.attributes.url === env.WEBHOOK_URL + '2' && moved.attributes.event === 'blessing');

    const devices = await impCentral.devices.list();
    check('the fixture is in the account', devices.data.some(d => d.id === env.FIXTURE));
    await impCentral.deviceGroups.addDevices(factory.id, env.FIXTURE);
    const fixture = await impCentral.devices.get(env.FIXTURE);
    check('the fixture is assigned', fixture.data.relationships.devicegroup.id === factory.id);
    check('a DUT group takes no devices by hand', await failure(impCentral.deviceGroups.addDevices(dut.id, env.FIXTURE)) === 400);
    await impCentral.devices.restart(env.FIXTURE);
    await impCentral.deviceGroups.restartDevices(factory.id);

    // Another account sees none of this.
    const rival = api(env.ENDPOINT);
    await rival.auth.login(env.RIVAL_NAME, env.PASSWORD);
    check('a foreign product is not found', await failure(rival.products.get(product.id)) === 404);
    check('a foreign device is not found', await failure(rival.devices.get(env.FIXTURE)) === 404);
    check('a foreign group is not found', await failure(rival.deviceGroups.get(factory.id)) === 404);
    check('foreign products are not listed', (await rival.products.list()).data.length === 0);

    // Access tokens expire; a refresh token or a login key gives a new one.
    const short = api(env.SHORT_ENDPOINT);
    const shortAuth = await short.auth.login(env.USER_NAME, env.PASSWORD);
    await new Promise(resolve => setTimeout(resolve, 1500));
    check('an expired token is refused', await failure(short.products.list()) === 401);
    await short.auth.refreshAccessToken(shortAuth.refresh_token);
    check('a refreshed token works', (await short.products.list()).data.length === 1);
    check('a bad refresh token is refused', await failure(short.auth.refreshAccessToken('forged')) === 401);
    const main = api(env.ENDPOINT);
    await main.auth.login(env.USER_NAME, env.PASSWORD);
    const key = (await main.accounts.createLoginKey(env.PASSWORD, { description: 'CI' })).data;
    await main.auth.getAccessToken(key.id);
    check('a login key logs in', (await main.accounts.get('me')).data.attributes.username === env.USER_NAME);
    check('a login key needs the password', await failure(main.accounts.createLoginKey('wrong')) === 403);

    const kept = await main.auth.login(env.USER_NAME, env.PASSWORD);
    return { refresh: kept.refresh_token, product: product.id, factory: factory.id, dut: dut.id, production: production.id,
        productionType: production.type, builds: [fixtureBuild.id, dutBuild.id, appBuild.id] };
}

async function after(state) {
    const impCentral = api(env.ENDPOINT);
    await impCentral.auth.refreshAccessToken(state.refresh);
    check('a refresh token outlives a server restart', (await impCentral.products.list()).data.length === 1);
    const blessed = env.BLESSED.split(',').sort();
    const shipped = await impCentral.devices.list({ 'filter[devicegroup.id]': state.production });
    check('the production group lists exactly the blessed units', shipped.data.map(d => d.id).sort().join() === blessed.join());
    const unit = blessed[0];
    const unassign = key => impCentral.deviceGroups.removeDevices(state.production, key, unit);
    check('unassigning a production device needs the unbond key', await failure(unassign(null)) === 403);
    check('a wrong unbond key is refused', await failure(unassign('guess')) === 403);
    await unassign(env.UNBOND_KEY);
    const unbonded = await impCentral.devices.get(unit);
    check('an unbonded device is in no group', !unbonded.data.relationships.devicegroup);

    const logs = await impCentral.devices.getLogs(env.FIXTURE);
    check('the fixture log, newest first', logs.data.length === 2 && logs.data[0].msg === 'second' &&
        logs.data[1].type === 'server.log');
    const page = await impCentral.devices.getLogs(env.FIXTURE, 1, 1);
    check('logs are paged', page.data.length === 1 && 'next' in page.links);

    // Clean up as `impt product delete --force --builds` does.
    check('a group with devices is not deleted', await failure(impCentral.deviceGroups.delete(state.production)) === 409);
    const app = state.builds[2];
    check('a flagged deployment is not deleted', await failure(impCentral.deployments.delete(app)) === 409);
    await impCentral.deployments.update(app, { flagged: false });
    for (const build of state.builds) {
        await impCentral.deployments.delete(build);
    }
    const groups = await impCentral.deviceGroups.list({ 'filter[product.id]': state.product });
    for (const group of groups.data) {
        const devices = await impCentral.devices.list({ 'filter[devicegroup.id]': group.id });
        for (const device of devices.data) {
            await impCentral.deviceGroups.removeDevices(group.id, env.UNBOND_KEY, device.id);
        }
        await impCentral.deviceGroups.delete(group.id);
    }
    await impCentral.products.delete(state.product);
    check('everything is gone', (await impCentral.products.list()).data.length === 0);
    check('a deleted product is not found', await failure(impCentral.products.get(state.product)) === 404);
    return {};
}

// Streams the fixture's log; prints READY once subscribed, then waits for the line
// the test logs next.
async function stream() {
    const impCentral = api(env.ENDPOINT);
    await impCentral.auth.login(env.USER_NAME, env.PASSWORD);
    let received = null;
    const arrived = new Promise(resolve => { received = resolve; });
    const opened = await impCentral.logStreams.create(message => {
        const log = JSON.parse(message);
        if (log.msg === 'streamed') {
            received(log);
        }
    }, null, null, ImpCentralApi.LogStreams.FORMAT_JSON);
    await impCentral.logStreams.addDevice(opened.data.id, env.FIXTURE);
    check('a foreign device is not streamed', await failure(impCentral.logStreams.addDevice(opened.data.id, 'nope')) === 404);
    console.log('READY');
    const log = await arrived;
    check('a new line reaches the stream', log.device_id === env.FIXTURE && log.type === 'server.log');
    await impCentral.logStreams.close(opened.data.id);
    return {};
}

const phase = process.argv[2];
const phases = { setup: setup, after: () => after(JSON.parse(env.STATE)), stream: stream };
phases[phase]()
    .then(state => {
        console.log(`imp-central-api ${phase}: ${checks} checks passed`);
        console.log(JSON.stringify(state));
    })
    .catch(e => {
        console.error(`imp-central-api ${phase}: failed after ${checks} checks:`, e);
        process.exit(1);
    });
