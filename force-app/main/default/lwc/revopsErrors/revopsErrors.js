/**
 * The one place that turns the error shapes a panel can receive (wired or imperative Apex,
 * UI API, JavaScript) into plain messages a rep can read.
 * @param {object|object[]} errors one error or a list of them
 * @returns {string[]} messages, never empty strings
 */
export function reduceErrors(errors) {
  const list = Array.isArray(errors) ? errors : [errors];
  return list
    .filter((error) => !!error)
    .flatMap((error) => messagesOf(error))
    .filter((message) => typeof message === 'string' && message.length > 0);
}

function messagesOf(error) {
  const body = error.body;
  if (Array.isArray(body)) {
    return body.map((e) => e.message);
  }
  if (body) {
    const fromOutput = body.output
      ? [...pageMessages(body.output.errors), ...fieldMessages(body.output.fieldErrors)]
      : [];
    const found = [...pageMessages(body.pageErrors), ...fieldMessages(body.fieldErrors), ...fromOutput];
    if (found.length > 0) {
      return found;
    }
    if (typeof body.message === 'string') {
      return [body.message];
    }
  }
  if (typeof error.message === 'string') {
    return [error.message];
  }
  return [error.statusText];
}

function pageMessages(errors) {
  return Array.isArray(errors) ? errors.map((e) => e.message) : [];
}

function fieldMessages(fieldErrors) {
  return fieldErrors ? Object.values(fieldErrors).flatMap((errs) => errs.map((e) => e.message)) : [];
}
