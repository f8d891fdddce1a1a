// lightning/navigation for jest: records every Navigate call so a test can assert where a click leads.
export const CurrentPageReference = jest.fn();

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const navigateCalls = [];

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference, replace) {
      navigateCalls.push({ pageReference, replace });
    }
    [GenerateUrl]() {
      return Promise.resolve('https://example.my.salesforce.com/');
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
