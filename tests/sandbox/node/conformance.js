// Runs the official totalvoice-node SDK (unmodified) against a tvdesk sandbox.
// Usage: node conformance.js <baseUrl> <token>   (or TVDESK_SANDBOX_URL / TVDESK_SANDBOX_TOKEN)
// Prints one JSON object with the results on stdout.
'use strict';

const totalvoice = require('totalvoice-node');

const baseUrl = process.argv[2] || process.env.TVDESK_SANDBOX_URL;
const token = process.argv[3] || process.env.TVDESK_SANDBOX_TOKEN;
if (!baseUrl || !token) {
  console.error('usage: node conformance.js <baseUrl> <token>');
  process.exit(2);
}

// Resolved values are the envelope; rejections are {message, code, data: envelope}.
function settle(promise) {
  return promise.then(
    (data) => ({ ok: true, data }),
    (err) => ({ ok: false, message: err && err.message, data: err && err.data }),
  );
}

async function main() {
  const client = new totalvoice(token, baseUrl);
  const bad = new totalvoice('not-the-token', baseUrl);
  const result = {
    webphone: await settle(client.central.webphone({
      ramal: 4000, ligar_para: '+554832830151', fechar_fim: true,
    })),
    webphone_embedded: await settle(client.central.webphone({
      id_ramal: 102, tipo: 'embedded', fechar_fim: false,
    })),
    webphone_missing: await settle(client.central.webphone({})),
    webphone_bad_number: await settle(client.central.webphone({ ramal: 4000, ligar_para: 'abc' })),
    relatorio: await settle(client.central.relatorio()),
    ramal: await settle(client.central.buscaRamal(101)),
    saldo: await settle(client.perfil.consultaSaldo()),
    bad_token: await settle(bad.perfil.consultaSaldo()),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
