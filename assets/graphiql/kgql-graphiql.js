// kgql's GraphiQL page: the fetcher and the default query (a file of its own, so that the
// page runs under a Content-Security-Policy that allows no inline script).
(function () {
  'use strict';

  var ENDPOINT = '/graphql';

  var DEFAULT_QUERY = [
    '# kgql: the knowledge graph of global AI governance',
    '{',
    '  organization(iri: "https://w3id.org/kgql/id/org/itu") {',
    '    label',
    '    organisedEvents(first: 5) {',
    '      totalCount',
    '      edges { node { label startDate } }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  // POSTs the request as JSON and asks for the GraphQL-over-HTTP media type first. A response
  // that is not JSON (a proxy's error page, a plain-text 500) is turned into a GraphQL error
  // so that the result pane says what went wrong instead of failing silently.
  function fetcher(params, opts) {
    var headers = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    var extra = (opts && opts.headers) || {};
    Object.keys(extra).forEach(function (name) {
      headers[name.toLowerCase()] = extra[name];
    });
    return fetch(ENDPOINT, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(params),
      credentials: 'same-origin',
    }).then(function (response) {
      var type = response.headers.get('content-type') || '';
      return response.text().then(function (text) {
        if (/json/i.test(type)) {
          try {
            return JSON.parse(text);
          } catch (e) {
            // fall through: report the body as it came
          }
        }
        return {
          errors: [
            {
              message:
                'HTTP ' + response.status + ' ' + response.statusText +
                (type ? ' (' + type + ')' : '') + ': ' + text.slice(0, 500),
            },
          ],
        };
      });
    });
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(
      GraphiQL,
      {
        fetcher: fetcher,
        defaultQuery: DEFAULT_QUERY,
        defaultEditorToolsVisibility: true,
        storage: GraphiQL.createLocalStorage({ namespace: 'kgql-graphiql' }),
      },
      React.createElement(GraphiQL.Logo, null, 'kgql GraphiQL'),
    ),
  );
})();
