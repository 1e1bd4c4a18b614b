module.exports = async () => {
  const child = globalThis.__TEST_POSTGRES__;
  if (child) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
};
