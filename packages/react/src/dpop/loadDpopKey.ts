// The browser's DPoP key pair in IndexedDB: CryptoKey objects are structured-cloneable, so the
// private key is stored as the browser's own non-extractable key (script can sign with it, never
// read it) and a reload finds the same key.

const DB = "oxa-auth-dpop";
const STORE = "keys";
const ID = "key";

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

/** Runs `use` in one transaction and resolves with its request's result once it committed. */
async function inStore<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = use(tx.objectStore(STORE));
    tx.oncomplete = () => {
      db.close();
      resolve(request.result);
    };
    tx.onabort = () => {
      db.close();
      reject(tx.error ?? request.error);
    };
  });
}

const isKeyPair = (v: unknown): v is CryptoKeyPair =>
  typeof v === "object" &&
  v !== null &&
  (v as CryptoKeyPair).privateKey instanceof CryptoKey &&
  (v as CryptoKeyPair).publicKey instanceof CryptoKey;

/**
 * The stored DPoP key pair, else a new non-extractable ES256 one, stored. Two tabs creating one at
 * once agree: the first stored wins (`add` refuses the second), and the loser reads it.
 *
 * @example
 * const { privateKey } = await loadDpopKey();
 * privateKey.extractable; // false
 */
export async function loadDpopKey(): Promise<CryptoKeyPair> {
  const stored = await inStore("readonly", (s) => s.get(ID));
  if (isKeyPair(stored)) return stored;
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
  ]);
  try {
    await inStore("readwrite", (s) => s.add(pair, ID));
    return pair;
  } catch (e) {
    const winner = await inStore("readonly", (s) => s.get(ID));
    if (isKeyPair(winner)) return winner;
    throw e;
  }
}

/**
 * Deletes the stored DPoP key pair (sign-out): tokens bound to it are of no use to anyone after.
 *
 * @example
 * await deleteDpopKey();
 */
export async function deleteDpopKey(): Promise<void> {
  await inStore("readwrite", (s) => s.delete(ID));
}
