// Prints, as JSON, the names each entry given as argument exports at run time when required
// (copied into each consumer project, so the entries resolve from its node_modules), and under
// `<entry>#depth` how many classes KameleoonClient extends (the /full entries' one class more).
const names = {};
const depth = (c) => (typeof c === 'function' && c !== Function.prototype ? 1 + depth(Object.getPrototypeOf(c)) : 0);
for (const entry of process.argv.slice(2)) {
  const mod = require(entry);
  names[entry] = Object.keys(mod).sort();
  names[`${entry}#depth`] = depth(mod.KameleoonClient);
}
console.log(JSON.stringify(names));
