//! The schema tour client (generated from `specs/schema-tour/openapi.yaml`)
//! against a local wiremock server: unions with and without a discriminator,
//! several responses per operation, parameter styles and request media types.
//! Each test checks the exact request the server received and the exact value
//! the client decoded.

use schema_tour::controllers::{AddNoteMediaType, CreatePetErrorBody, CreatePetOutput, UploadPhotoMediaType};
use schema_tour::models::{Branch, Car, Cat, Dog, Expr, Filter, Leaf, Nested, Node, Page, Pet, PetId, Shape, Vehicle};
use schema_tour::{ApiError, Configuration, Error, FileUpload, SchemaTourClient};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> SchemaTourClient {
    SchemaTourClient::new(Configuration::builder().base_url(server.uri()).build()).unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

fn cat(name: &str) -> Cat {
    Cat::new("cat", name).with_indoor(true)
}

// ---------------------------------------------------------------------------
// Unions.

#[test]
fn a_discriminator_picks_the_variant_and_mapping_aliases_count() {
    let pet: Pet = serde_json::from_value(json!({"kind": "cat", "name": "Tom", "indoor": true})).unwrap();
    let Pet::Cat(c) = &pet else { panic!("{pet:?}") };
    assert_eq!((c.name.as_str(), c.indoor), ("Tom", Some(true)));

    // `hound` maps to Dog as well as `dog`.
    let pet: Pet = serde_json::from_value(json!({"kind": "hound", "name": "Rex", "breed": "beagle"})).unwrap();
    let Pet::Dog(d) = &pet else { panic!("{pet:?}") };
    assert_eq!(d.breed.as_deref(), Some("beagle"));
    assert_eq!(d.kind, "hound");

    // A discriminator value without a mapping names the schema.
    let pet: Pet = serde_json::from_value(json!({"kind": "Lizard", "name": "Liz", "color": "green"})).unwrap();
    let Pet::Lizard(l) = &pet else { panic!("{pet:?}") };
    assert_eq!(l.color.as_ref().map(|c| c.as_str()), Some("green"));

    // An unlisted value is a newer kind: kept whole, not forced into a variant.
    let raw = json!({"kind": "parrot", "name": "Polly"});
    assert_eq!(serde_json::from_value::<Pet>(raw.clone()).unwrap(), Pet::Other(raw));
}

#[test]
fn without_the_discriminator_property_the_shape_decides() {
    // No `kind`: Lizard is the only alternative whose required properties fit.
    let pet: Pet = serde_json::from_value(json!({"name": "Liz", "color": "purple"})).unwrap();
    let Pet::Lizard(l) = &pet else { panic!("{pet:?}") };
    // An open string enum (anyOf of an enum and a string) keeps unlisted values.
    assert_eq!(l.color.as_ref().map(|c| c.as_str()), Some("purple"));
}

#[test]
fn serializing_a_variant_writes_its_discriminator_value() {
    let dog = Dog::new("anything", "Rex");
    // The variant decides the discriminator, whatever the payload held.
    assert_eq!(serde_json::to_value(Pet::Dog(dog)).unwrap(), json!({"kind": "dog", "name": "Rex"}));
    let pet: Pet = cat("Tom").into();
    assert_eq!(serde_json::to_value(&pet).unwrap(), json!({"kind": "cat", "name": "Tom", "indoor": true}));
    assert_eq!(serde_json::from_value::<Pet>(serde_json::to_value(&pet).unwrap()).unwrap(), Pet::Cat(cat("Tom")));
}

#[test]
fn untagged_alternatives_are_told_apart_by_kind_and_required_properties() {
    let shapes: Vec<Shape> = serde_json::from_value(json!([{"radius": 2.5}, {"width": 1, "height": 2}, "blob", {"sides": 7}, 3])).unwrap();
    let Shape::Circle(c) = &shapes[0] else { panic!("{shapes:?}") };
    assert_eq!(c.radius, 2.5);
    let Shape::Rectangle(r) = &shapes[1] else { panic!("{shapes:?}") };
    assert_eq!((r.width, r.height), (1.0, 2.0));
    assert_eq!(shapes[2], Shape::Named("blob".into()));
    // Matches no alternative's required properties, or no alternative's kind.
    assert_eq!(shapes[3], Shape::Other(json!({"sides": 7})));
    assert_eq!(shapes[4], Shape::Other(json!(3)));
    // Untagged values serialize as the payload alone.
    assert_eq!(serde_json::to_value(&shapes).unwrap(), json!([{"radius": 2.5}, {"width": 1.0, "height": 2.0}, "blob", {"sides": 7}, 3]));

    let ids: Vec<PetId> = serde_json::from_value(json!([7, "legacy-7"])).unwrap();
    assert_eq!(ids, vec![PetId::Integer(7), PetId::String("legacy-7".into())]);
}

#[test]
fn recursive_unions_are_boxed_and_round_trip() {
    let tree = json!({"left": {"value": 1}, "right": {"left": {"value": 2}, "right": {"value": 3}}});
    let node: Node = serde_json::from_value(tree.clone()).unwrap();
    let Node::Branch(branch) = &node else { panic!("{node:?}") };
    let left: &Branch = branch;
    assert!(matches!(*left.left, Node::Leaf(Leaf { value: 1, .. })), "{left:?}");
    assert_eq!(serde_json::to_value(&node).unwrap(), tree);

    // A cycle of unions only: the variant holding the other union is boxed.
    let expr: Expr = serde_json::from_value(json!(true)).unwrap();
    assert_eq!(expr, Expr::Nested(Box::new(Nested::Boolean(true))));
    assert_eq!(serde_json::to_value(&expr).unwrap(), json!(true));
}

#[test]
fn a_base_schema_with_a_discriminator_is_any_of_its_allof_subtypes() {
    let vehicles: Vec<Vehicle> = serde_json::from_value(json!([
        {"type": "car", "wheels": 4, "seats": 5},
        {"type": "Bike", "wheels": 2, "gears": 21},
        {"type": "tram"}
    ]))
    .unwrap();
    // Subtypes carry the base's properties and their own.
    let Vehicle::Car(car) = &vehicles[0] else { panic!("{vehicles:?}") };
    assert_eq!((car.wheels, car.seats), (Some(4), Some(5)));
    // Without a mapping entry, a subtype's value is its schema name.
    let Vehicle::Bike(bike) = &vehicles[1] else { panic!("{vehicles:?}") };
    assert_eq!(bike.gears, Some(21));
    assert_eq!(vehicles[2], Vehicle::Other(json!({"type": "tram"})));
    let car = Car::new("car").with_seats(2);
    assert_eq!(serde_json::to_value(Vehicle::from(car)).unwrap(), json!({"type": "car", "seats": 2}));
}

// ---------------------------------------------------------------------------
// Several responses per operation.

async fn create_pet_answering(
    status: u16,
    body: Option<serde_json::Value>,
) -> (Result<CreatePetOutput, Error<CreatePetErrorBody>>, Request) {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status);
    if let Some(body) = body {
        response = response.set_body_json(body);
    }
    Mock::given(method("POST")).and(path("/pets")).respond_with(response).mount(&server).await;
    let result = client(&server).pets().create_pet(cat("Tom").into()).send().await;
    (result, only_request(&server).await)
}

#[tokio::test]
async fn each_documented_success_status_is_its_own_variant() {
    let (result, request) = create_pet_answering(201, Some(json!({"id": 42, "tag": ["a", "b"]}))).await;
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(request.body_json::<serde_json::Value>().unwrap(), json!({"kind": "cat", "name": "Tom", "indoor": true}));
    let CreatePetOutput::Created(created) = result.unwrap() else { panic!() };
    assert_eq!(created.id, PetId::Integer(42));
    assert!(matches!(created.tag, Some(schema_tour::models::CreatedTag::Array(ref t)) if t == &["a", "b"]));

    let (result, _) = create_pet_answering(200, Some(json!({"kind": "dog", "name": "Rex"}))).await;
    assert!(matches!(result.unwrap(), CreatePetOutput::Ok(Pet::Dog(_))));

    // 202 documents no body: whatever arrives is not read.
    let (result, _) = create_pet_answering(202, None).await;
    assert_eq!(result.unwrap(), CreatePetOutput::Accepted);
}

#[tokio::test]
async fn each_documented_error_status_decodes_its_own_body() {
    let (result, _) = create_pet_answering(400, Some(json!({"errors": [{"field": "name", "message": "too short"}]}))).await;
    let err = result.unwrap_err();
    let Some(CreatePetErrorBody::BadRequest(body)) = err.api_error() else { panic!("{err:?}") };
    assert_eq!(body.errors[0].field.as_deref(), Some("name"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    let (result, _) = create_pet_answering(409, Some(json!({"code": "duplicate", "title": "Tom exists"}))).await;
    let err = result.unwrap_err();
    assert!(matches!(err.api_error(), Some(CreatePetErrorBody::Conflict(_))), "{err:?}");
    assert_eq!((err.code(), err.message()), (Some("duplicate"), Some("Tom exists")));

    // `default` covers every other status.
    let (result, _) = create_pet_answering(503, Some(json!({"code": "maintenance"}))).await;
    let err = result.unwrap_err();
    let Some(body @ CreatePetErrorBody::Default(_)) = err.api_error() else { panic!("{err:?}") };
    assert_eq!(body.code(), Some("maintenance"));

    // A body that is not the documented error keeps the status and raw text.
    let (result, _) = create_pet_answering(400, Some(json!(["unexpected"]))).await;
    match result.unwrap_err() {
        Error::Status { status, body, .. } => assert_eq!((status.as_u16(), body.as_str()), (400, "[\"unexpected\"]")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_union_path_parameter_is_sent_as_its_plain_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "cat", "name": "Tom"})))
        .mount(&server)
        .await;
    let c = client(&server);
    c.pets().get_pet(PetId::Integer(7)).send().await.unwrap();
    c.pets().get_pet(PetId::String("legacy/7".into())).send().await.unwrap();
    let paths: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_string()).collect();
    assert_eq!(paths, ["/pets/7", "/pets/legacy%2F7"]);
}

// ---------------------------------------------------------------------------
// Parameter styles.

#[tokio::test]
async fn every_parameter_style_is_laid_out_as_the_description_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let filter = Filter::new().with_kind("cat").with_max_age(3);
    let page = Page::new().with_limit(10).with_offset(20);
    client(&server)
        .search()
        .search(vec![1, 2, 3], "2024 Q1")
        .tags(vec!["a".into(), "b".into()])
        .colors(vec!["red".into(), "green".into()])
        .words(vec!["big".into(), "cat".into()])
        .sizes(vec![1, 2])
        .filter(filter)
        .page(page)
        .x_trace(vec!["t1".into(), "t2".into()])
        .session("s1")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    // Label (exploded) and matrix path segments.
    assert_eq!(request.url.path(), "/search/.1.2.3/;period=2024%20Q1");
    let query: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let expected: Vec<(String, String)> = [
        ("tags", "a"),
        ("tags", "b"),
        ("colors", "red,green"),
        ("words", "big cat"),
        ("sizes", "1|2"),
        ("filter[kind]", "cat"),
        ("filter[max_age]", "3"),
        ("limit", "10"),
        ("offset", "20"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(query, expected);
    assert_eq!(header(&request, "x-trace"), Some("t1,t2"));
    assert_eq!(header(&request, "cookie"), Some("session=s1"));
}

// ---------------------------------------------------------------------------
// Request media types.

#[tokio::test]
async fn a_binary_body_goes_out_as_the_chosen_media_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = client(&server);
    c.media().upload_photo("cat", FileUpload::new(b"\x89PNG".to_vec())).send().await.unwrap();
    c.media().upload_photo("cat", b"\xff\xd8".as_slice()).media_type(UploadPhotoMediaType::ImageJpeg).send().await.unwrap();
    // A file's own content type wins over the operation's.
    c.media().upload_photo("cat", FileUpload::new(b"GIF8".to_vec()).content_type("image/gif")).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(Option<&str>, &[u8])> = requests.iter().map(|r| (header(r, "content-type"), r.body.as_slice())).collect();
    assert_eq!(
        seen,
        [(Some("image/png"), b"\x89PNG".as_slice()), (Some("image/jpeg"), b"\xff\xd8".as_slice()), (Some("image/gif"), b"GIF8".as_slice()),]
    );
}

#[tokio::test]
async fn text_bodies_and_text_responses() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<p><em>hi</em></p>", "text/html"))
        .mount(&server)
        .await;
    let html = client(&server).media().add_note("*hi*").media_type(AddNoteMediaType::TextMarkdown).send().await.unwrap();
    assert_eq!(html, "<p><em>hi</em></p>");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("text/markdown"));
    assert_eq!(request.body, b"*hi*");
}

#[tokio::test]
async fn a_json_body_with_its_own_media_type_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/pets/5/profile"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "cat", "name": "Tom"})))
        .mount(&server)
        .await;
    // A merge patch: only what is set (required fields stay empty strings).
    let patch = Cat::default().with_indoor(false);
    let pet = client(&server).pets().patch_pet(5, patch).send().await.unwrap();
    assert!(matches!(pet, Pet::Cat(_)));
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("application/merge-patch+json"));
    assert_eq!(request.body_json::<serde_json::Value>().unwrap(), json!({"kind": "", "name": "", "indoor": false}));
}

#[test]
fn lizards_are_not_cats() {
    // Shape ranking: a value with `kind` but a kind no mapping lists is Other,
    // even when it would fit Lizard's required properties.
    let raw = json!({"kind": "gecko", "name": "G"});
    assert!(matches!(serde_json::from_value::<Pet>(raw).unwrap(), Pet::Other(_)));
}
