import { checkApexSchema } from './apexSchema.ts';
import { checkDeployability } from './deploy.ts';
const root = process.argv[2];
for (const p of checkApexSchema({ root, repoDir: process.cwd() })) console.log(p.file.split('/').pop(), p.line, p.severity, p.message);
console.time('deploy');
for (const p of await checkDeployability({ root, repoDir: process.cwd() })) console.log(p.file, p.line, p.message);
console.timeEnd('deploy');
