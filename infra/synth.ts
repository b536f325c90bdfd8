// Placeholder until the manifests land: synth has nothing to write yet, and says so.
console.log('nothing to synthesize yet');
