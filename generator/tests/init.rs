//! `sdkgen init` end to end: real files in a temporary folder, the binary run
//! as a user would, and the settings it writes read back by `generate`.

use std::path::Path;
use std::process::{Command, Output};

fn sdkgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen")).args(args).current_dir(cwd).output().expect("sdkgen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stdout: {}\nstderr: {}", text(&o.stdout), text(&o.stderr));
}

fn exit_2(o: &Output, expect: &[&str]) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(err.contains("help:") && !err.contains("panicked"), "{err}");
}

const PETS: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "Pet Store", "version": "2.4.0"},
  "servers": [{"url": "https://pets.example/v1"}],
  "paths": {
    "/pets": {
      "get": {
        "operationId": "listPets",
        "tags": ["pets"],
        "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}
      }
    },
    "/health": {"get": {"operationId": "health", "responses": {"204": {"description": "ok"}}}}
  },
  "components": {
    "schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}},
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
  },
  "security": [{"bearer": []}]
}"##;

const SWAGGER: &str = r#"swagger: "2.0"
info:
  title: Legacy Orders
  version: "1.0"
host: orders.example
basePath: /api
schemes: [https]
securityDefinitions:
  orders_key:
    type: apiKey
    in: header
    name: X-Api-Key
  orders_oauth:
    type: oauth2
    flow: accessCode
    authorizationUrl: https://orders.example/authorize
    tokenUrl: https://orders.example/token
    scopes:
      read: read orders
security:
  - orders_key: []
paths:
  /orders:
    get:
      operationId: listOrders
      tags: [orders]
      responses:
        "200":
          description: ok
"#;

#[test]
fn init_then_generate_and_check_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pets.json"), PETS).unwrap();
    let o = sdkgen(&["init", "--spec", "pets.json", "--root", "."], dir.path());
    ok(&o);
    let sdk = dir.path().join("specs/pet-store");
    assert_eq!(std::fs::read_to_string(sdk.join("pets.json")).unwrap(), PETS, "copied beside the settings");
    let settings = std::fs::read_to_string(sdk.join("sdkgen.toml")).unwrap();
    for expected in [
        "spec = \"pets.json\"",
        "name = \"pet-store\"",
        "Pet Store",
        "2.4.0",
        "OpenAPI 3.1.0",
        "https://pets.example/v1",
        "bearer (HTTP bearer)",
        "# [auth.schemes.bearer]",
        "# token_env = \"BEARER_TOKEN\"",
        "pets (1)",
        "2, 1 without a tag",
        "1 operations take `cursor`",
        "# [operations.listPets]",
        "# templates = ",
        "# overlays = ",
        "# untagged = ",
        "# default_tag = ",
        "# [docs]",
        "# [pagination]",
        "# [responses]",
        "# [app]",
        "# [app.installation]",
        "# [app.identity]",
        "# [app.signature]",
        "# [app.openid]",
    ] {
        assert!(settings.contains(expected), "{expected:?} in:\n{settings}");
    }
    assert!(text(&o.stdout).contains("sdkgen generate"), "says what to do next: {}", text(&o.stdout));

    ok(&sdkgen(&["generate", "--root", "."], dir.path()));
    let lib = std::fs::read_to_string(dir.path().join("generated/pet-store/src/lib.rs")).unwrap();
    assert!(lib.contains("PetStoreClient"), "{lib}");
    ok(&sdkgen(&["check", "--root", "."], dir.path()));
}

#[test]
fn init_refuses_to_overwrite_settings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pets.json"), PETS).unwrap();
    ok(&sdkgen(&["init", "--spec", "pets.json", "--root", "."], dir.path()));
    let path = dir.path().join("specs/pet-store/sdkgen.toml");
    std::fs::write(&path, "spec = \"pets.json\"\n# mine\n").unwrap();
    let o = sdkgen(&["init", "--spec", "pets.json", "--root", "."], dir.path());
    exit_2(&o, &["sdkgen.toml", "exists already", "nothing was written"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "spec = \"pets.json\"\n# mine\n");
}

#[test]
fn a_swagger_description_with_a_name_lists_its_schemes_ready_to_uncomment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orders.yaml"), SWAGGER).unwrap();
    ok(&sdkgen(&["init", "--spec", "orders.yaml", "--name", "orders", "--root", "."], dir.path()));
    let path = dir.path().join("specs/orders/sdkgen.toml");
    let settings = std::fs::read_to_string(&path).unwrap();
    for expected in [
        "spec = \"orders.yaml\"",
        "name = \"orders\"",
        "Swagger 2.0",
        "https://orders.example/api",
        "orders_key (API key in header `X-Api-Key`)",
        "orders_oauth (OAuth 2: authorization code)",
        "# [auth.schemes.orders_key]\n# token_env = \"ORDERS_KEY_KEY\"",
        "# [auth.schemes.orders_oauth]\n# token_env = \"ORDERS_OAUTH_TOKEN\"",
        "# scheme = \"orders_oauth\"",
    ] {
        assert!(settings.contains(expected), "{expected:?} in:\n{settings}");
    }
    // Uncommenting a scheme's block is all it takes to use it.
    let edited = settings.replace(
        "# [auth.schemes.orders_key]\n# token_env = \"ORDERS_KEY_KEY\"",
        "[auth.schemes.orders_key]\ntoken_env = \"ORDERS_KEY_KEY\"",
    );
    std::fs::write(&path, edited).unwrap();
    ok(&sdkgen(&["generate", "--root", "."], dir.path()));
    let client = std::fs::read_to_string(dir.path().join("generated/orders/src/client.rs")).unwrap();
    assert!(client.contains("ORDERS_KEY_KEY"), "from_env reads the variable");
}

#[test]
fn a_description_already_in_the_folder_is_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = dir.path().join("specs/pets");
    std::fs::create_dir_all(sdk.join("upstream")).unwrap();
    std::fs::write(sdk.join("upstream/openapi.json"), PETS).unwrap();
    ok(&sdkgen(&["init", "--spec", "specs/pets/upstream/openapi.json", "--name", "pets", "--root", "."], dir.path()));
    let settings = std::fs::read_to_string(sdk.join("sdkgen.toml")).unwrap();
    assert!(settings.contains("spec = \"upstream/openapi.json\""), "{settings}");
    assert!(!sdk.join("openapi.json").exists());
    ok(&sdkgen(&["generate", "--root", "."], dir.path()));
}

#[test]
fn bad_input_is_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pets.json"), PETS).unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\"openapi\": \"3.0.3\", \"info\": ").unwrap();
    exit_2(&sdkgen(&["init", "--spec", "missing.json", "--root", "."], dir.path()), &["missing.json"]);
    exit_2(&sdkgen(&["init", "--spec", "broken.json", "--root", "."], dir.path()), &["broken.json"]);
    exit_2(
        &sdkgen(&["init", "--spec", "pets.json", "--name", "Pet Store", "--root", "."], dir.path()),
        &["not a valid SDK name", "--name pet-store"],
    );
    assert!(!dir.path().join("specs").exists(), "nothing was created");
}

#[test]
fn help_names_the_formats_init_and_the_settings_reference() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkgen(&["--help"], dir.path());
    ok(&o);
    let help = text(&o.stdout);
    for expected in ["OpenAPI 3.0 and 3.1", "Swagger 2.0", "sdkgen init", "README.md", "templates"] {
        assert!(help.contains(expected), "{expected:?} in:\n{help}");
    }
}
