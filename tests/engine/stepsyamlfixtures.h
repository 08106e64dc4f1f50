#pragma once

// YAML texts for tst_stepsyaml, apart from the test class: moc (Qt 6.4) misreads some raw
// string literals in a file it scans.

namespace StepsYamlFixtures {

// docs/declarative-scenarios.md, "The file".
inline const char *const specFile = R"yaml(name: Shop
description: browse, add to cart, check out
parameters:            # declared parameters and their defaults (project and --param override)
  product_count: "3"
variables:             # each vuser's variables before its first step
  cart: ""
init:                  # once per vuser, before its first iteration
  - request: POST /api/token
    json: {user: "${users.username}", password: "${users.password}"}
    extract:
      - {var: token, json: /token}
steps:                 # every iteration
  - transaction: browse
    steps:
      - request: GET /products
        checks:
          - status: 200
          - json: /0/id
        extract:
          - {var: product_id, json: /0/id}
      - think: [1s, 3s]
  - request: POST /cart
    name: add to cart
    headers: {Authorization: "Bearer ${token}"}
    form: {id: "${product_id}", qty: "1"}
    checks:
      - body_contains: added
  - pace: 10s
)yaml";

// docs/declarative-scenarios.md, "Requests", "Checks" and "Extractions" in one step.
inline const char *const specRequest = R"yaml(steps:
  - request: POST /api/orders          # METHOD URL; a URL alone means GET
    name: create order                 # metrics name (default: METHOD /path, ids collapsed)
    headers: {Authorization: "Bearer ${token}"}
    query: {page: "1", q: "${term}"}   # appended, percent-encoded
    json:                              # or body: "text", or form: {a: b}
      product: "${product_id}"
      qty: ${qty}
    timeout: 10s
    follow_redirects: false
    expect_status: 201                 # or 200-299: other statuses count as errors
    checks:
      - status: 200                      # or [200, 201]
      - body_contains: "Welcome"         # body_not_contains, body_matches (ECMAScript regex)
      - json: /items/0/id                # alone: the pointer exists
      - json: /total
        greater: 0                       # equals, not_equals, contains, matches, less, ...
      - header: Content-Type
        contains: json                   # equals, matches, exists
      - duration_below: 500ms
      - status: 201
        name: order created              # metrics name (default: "status is 201", ...)
    extract:
      - {var: token, json: /token}                     # JSON pointer (RFC 6901)
      - {var: order, regex: "order-(\\d+)", group: 1}  # group 0: the whole match
      - {var: csrf, between: ['name="csrf" value="', '"']}
      - {var: next, header: Location}
      - {var: sid, cookie: session}
      - {var: coupon, json: /coupon, default: "none"}
)yaml";

// Every step kind once.
inline const char *const everyKind = R"yaml(steps:
  - request: /health
  - think: 2s
  - think: [500ms, 1.5s]
  - pace: 1m
  - transaction: checkout
    steps:
      - log: in the transaction
  - rendezvous: pay
  - repeat: "${count}"
    steps:
      - set: {a: "1", b: "${a}x"}
  - if: "${status}"
    equals: "200"
    steps:
      - log: yes
    else:
      - log: no
        disabled: true
  - if: "${token}"
    empty: true
    steps: []
  - log: done
    disabled: yes
)yaml";

// A JSON body with every kind of scalar, quoted and not.
inline const char *const jsonBody = R"yaml(steps:
  - request: POST /json
    json:
      int: 12
      quoted_int: "12"
      negative: -7
      float: 1.5
      exponent: 2e3
      hex: 0x1F
      octal: 0o17
      yes: true
      quoted_yes: "true"
      capital: False
      none: null
      tilde: ~
      empty:
      quoted_null: 'null'
      text: hello
      template: ${qty}
      quoted_template: "${qty}"
      mixed: a ${qty}
      two: ${a}${b}
      list: [1, "2", three]
      nested: {deep: [{x: 1}]}
      big: 18446744073709551615
      huge: 123456789012345678901234567890
)yaml";

} // namespace StepsYamlFixtures
