// placeholder: filled in by the CLI issue
console.log('eci-sandbox');
