// Prints, as JSON, the names each entry given as argument exports at run time when required
// (copied into each consumer project, so the entries resolve from its node_modules).
const names = {};
for (const entry of process.argv.slice(2)) names[entry] = Object.keys(require(entry)).sort();
console.log(JSON.stringify(names));
