/**
 * The standard Salesforce objects and fields this project touches (API v66): reference data shared by the product
 * (config validation names a field a rule reads) and the offline checks that resolve field references (SOQL in
 * Apex, custom fields on standard objects, formulas). Not the whole
 * platform schema: when a check reports a standard field or object as unknown that Salesforce does have,
 * add it here (that is the fix, not weakening the check).
 *
 * DSL per object: space-separated `Name:type`, `Name:ref(Target|Target2)>RelationshipName` for lookups
 * (`*` = polymorphic to anything), and `Children:` child relationships as `RelName>ChildObject`.
 */

export type StandardFieldType =
  | 'id'
  | 'text'
  | 'textarea'
  | 'number'
  | 'currency'
  | 'percent'
  | 'checkbox'
  | 'date'
  | 'datetime'
  | 'time'
  | 'picklist'
  | 'multipicklist'
  | 'email'
  | 'phone'
  | 'url'
  | 'address'
  | 'reference'
  | 'base64';

export interface SchemaField {
  name: string;
  type: StandardFieldType;
  /** lookup targets; ['*'] = polymorphic to any object */
  referenceTo?: string[];
  /** relationship name for parent paths (Owner, Account, Lead__r) */
  relationshipName?: string;
}

const COMMON =
  'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy LastModifiedDate:datetime ' +
  'LastModifiedById:ref(User)>LastModifiedBy SystemModstamp:datetime';
const ACTIVITY_CHILDREN = 'Tasks>Task Events>Event ActivityHistories>Task OpenActivities>Task';
const ADDRESS = (p: string): string =>
  `${p}Street:textarea ${p}City:text ${p}State:text ${p}PostalCode:text ${p}Country:text ${p}StateCode:picklist ` +
  `${p}CountryCode:picklist ${p}Latitude:number ${p}Longitude:number ${p}GeocodeAccuracy:picklist ${p}Address:address`;

const DEFINITIONS: Record<string, { fields: string; children?: string; noCommon?: boolean }> = {
  Lead: {
    fields:
      'Name:text FirstName:text LastName:text MiddleName:text Salutation:picklist Suffix:text Title:text Company:text ' +
      'Email:email Phone:phone MobilePhone:phone Fax:phone Website:url Industry:picklist NumberOfEmployees:number ' +
      'AnnualRevenue:currency Rating:picklist LeadSource:picklist Status:picklist Description:textarea ' +
      'OwnerId:ref(User|Group)>Owner IsConverted:checkbox ConvertedDate:date ConvertedAccountId:ref(Account)>ConvertedAccount ' +
      'ConvertedContactId:ref(Contact)>ConvertedContact ConvertedOpportunityId:ref(Opportunity)>ConvertedOpportunity ' +
      'HasOptedOutOfEmail:checkbox HasOptedOutOfFax:checkbox DoNotCall:checkbox IsUnreadByOwner:checkbox ' +
      'LastActivityDate:date LastViewedDate:datetime LastReferencedDate:datetime EmailBouncedDate:datetime ' +
      'EmailBouncedReason:text Jigsaw:text MasterRecordId:ref(Lead)>MasterRecord IndividualId:id PhotoUrl:url ' +
      ADDRESS(''),
    children: `${ACTIVITY_CHILDREN} CampaignMembers>CampaignMember Histories>LeadHistory ProcessInstances>ProcessInstance`,
  },
  Contact: {
    fields:
      'Name:text FirstName:text LastName:text MiddleName:text Salutation:picklist Suffix:text Title:text ' +
      'Department:text Email:email Phone:phone MobilePhone:phone HomePhone:phone OtherPhone:phone Fax:phone ' +
      'AccountId:ref(Account)>Account OwnerId:ref(User)>Owner ReportsToId:ref(Contact)>ReportsTo LeadSource:picklist ' +
      'Birthdate:date Description:textarea HasOptedOutOfEmail:checkbox HasOptedOutOfFax:checkbox DoNotCall:checkbox ' +
      'LastActivityDate:date LastViewedDate:datetime LastReferencedDate:datetime IsEmailBounced:checkbox ' +
      'EmailBouncedDate:datetime EmailBouncedReason:text Jigsaw:text MasterRecordId:ref(Contact)>MasterRecord ' +
      'IndividualId:id PhotoUrl:url AssistantName:text AssistantPhone:phone ' +
      ADDRESS('Mailing') +
      ' ' +
      ADDRESS('Other'),
    children:
      `${ACTIVITY_CHILDREN} CampaignMembers>CampaignMember OpportunityContactRoles>OpportunityContactRole ` +
      'Histories>ContactHistory ProcessInstances>ProcessInstance',
  },
  Account: {
    fields:
      'Name:text Type:picklist Industry:picklist Website:url Phone:phone Fax:phone NumberOfEmployees:number ' +
      'AnnualRevenue:currency AccountSource:picklist Rating:picklist Site:text Description:textarea ' +
      'OwnerId:ref(User)>Owner ParentId:ref(Account)>Parent AccountNumber:text Ownership:picklist Sic:text ' +
      'SicDesc:text TickerSymbol:text LastActivityDate:date LastViewedDate:datetime LastReferencedDate:datetime ' +
      'Jigsaw:text MasterRecordId:ref(Account)>MasterRecord PhotoUrl:url ' +
      ADDRESS('Billing') +
      ' ' +
      ADDRESS('Shipping'),
    children:
      `${ACTIVITY_CHILDREN} Contacts>Contact Opportunities>Opportunity ChildAccounts>Account ` +
      'Histories>AccountHistory ProcessInstances>ProcessInstance',
  },
  Opportunity: {
    fields:
      'Name:text AccountId:ref(Account)>Account StageName:picklist Amount:currency CloseDate:date Probability:percent ' +
      'ExpectedRevenue:currency ForecastCategory:picklist ForecastCategoryName:picklist IsClosed:checkbox ' +
      'IsWon:checkbox OwnerId:ref(User)>Owner LeadSource:picklist Type:picklist NextStep:text Description:textarea ' +
      'CampaignId:ref(Campaign)>Campaign ContactId:ref(Contact)>Contact TotalOpportunityQuantity:number ' +
      'FiscalQuarter:number FiscalYear:number Fiscal:text HasOpenActivity:checkbox HasOverdueTask:checkbox ' +
      'HasOpportunityLineItem:checkbox LastActivityDate:date LastStageChangeDate:datetime LastViewedDate:datetime ' +
      'LastReferencedDate:datetime LastAmountChangedHistoryId:id LastCloseDateChangedHistoryId:id ' +
      'Pricebook2Id:id IsPrivate:checkbox',
    children:
      `${ACTIVITY_CHILDREN} OpportunityHistories>OpportunityHistory OpportunityContactRoles>OpportunityContactRole ` +
      'OpportunityLineItems>OpportunityLineItem Histories>OpportunityFieldHistory ProcessInstances>ProcessInstance',
  },
  OpportunityHistory: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy SystemModstamp:datetime ' +
      'OpportunityId:ref(Opportunity)>Opportunity StageName:picklist Amount:currency ExpectedRevenue:currency ' +
      'CloseDate:date Probability:percent ForecastCategory:picklist PrevAmount:currency PrevCloseDate:date ' +
      'ValidToDate:date',
  },
  OpportunityFieldHistory: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy ' +
      'OpportunityId:ref(Opportunity)>Opportunity Field:picklist OldValue:text NewValue:text DataType:picklist',
  },
  LeadHistory: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy LeadId:ref(Lead)>Lead ' +
      'Field:picklist OldValue:text NewValue:text DataType:picklist',
  },
  ContactHistory: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy ContactId:ref(Contact)>Contact ' +
      'Field:picklist OldValue:text NewValue:text DataType:picklist',
  },
  AccountHistory: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy AccountId:ref(Account)>Account ' +
      'Field:picklist OldValue:text NewValue:text DataType:picklist',
  },
  OpportunityContactRole: {
    fields:
      'OpportunityId:ref(Opportunity)>Opportunity ContactId:ref(Contact)>Contact Role:picklist IsPrimary:checkbox',
  },
  OpportunityLineItem: {
    fields:
      'OpportunityId:ref(Opportunity)>Opportunity Product2Id:id Quantity:number UnitPrice:currency ' +
      'TotalPrice:currency ListPrice:currency Name:text Description:text ServiceDate:date',
  },
  Task: {
    fields:
      'Subject:text Status:picklist Priority:picklist ActivityDate:date WhoId:ref(Lead|Contact)>Who WhatId:ref(*)>What ' +
      'OwnerId:ref(User|Group)>Owner Type:picklist TaskSubtype:picklist Description:textarea IsClosed:checkbox ' +
      'IsHighPriority:checkbox CompletedDateTime:datetime CallType:picklist CallDurationInSeconds:number ' +
      'CallDisposition:text CallObject:text AccountId:ref(Account)>Account ReminderDateTime:datetime ' +
      'IsReminderSet:checkbox IsRecurrence:checkbox WhoCount:number WhatCount:number IsArchived:checkbox',
  },
  Event: {
    fields:
      'Subject:text StartDateTime:datetime EndDateTime:datetime ActivityDate:date ActivityDateTime:datetime ' +
      'DurationInMinutes:number WhoId:ref(Lead|Contact)>Who WhatId:ref(*)>What OwnerId:ref(User|Group)>Owner ' +
      'Type:picklist EventSubtype:picklist Description:textarea Location:text IsAllDayEvent:checkbox ' +
      'AccountId:ref(Account)>Account ShowAs:picklist IsPrivate:checkbox IsChild:checkbox IsGroupEvent:checkbox ' +
      'ReminderDateTime:datetime IsReminderSet:checkbox IsArchived:checkbox',
  },
  User: {
    fields:
      'Name:text FirstName:text LastName:text Username:text Email:email Alias:text CommunityNickname:text ' +
      'IsActive:checkbox ManagerId:ref(User)>Manager UserRoleId:ref(UserRole)>UserRole ProfileId:ref(Profile)>Profile ' +
      'TimeZoneSidKey:picklist LanguageLocaleKey:picklist LocaleSidKey:picklist EmailEncodingKey:picklist ' +
      'Title:text Department:text Division:text CompanyName:text UserType:picklist FederationIdentifier:text ' +
      'EmployeeNumber:text Phone:phone MobilePhone:phone Extension:phone SmallPhotoUrl:url FullPhotoUrl:url ' +
      'MediumPhotoUrl:url IsProfilePhotoActive:checkbox LastLoginDate:datetime ContactId:ref(Contact)>Contact ' +
      'AccountId:ref(Account)>Account DelegatedApproverId:id ReceivesInfoEmails:checkbox ' +
      ADDRESS(''),
    children:
      'PermissionSetAssignments>PermissionSetAssignment GroupMembership>GroupMember ManagedUsers>User',
  },
  Group: {
    fields:
      'Name:text DeveloperName:text Type:picklist Email:email OwnerId:ref(User)>Owner RelatedId:ref(*)>Related ' +
      'DoesSendEmailToMembers:checkbox DoesIncludeBosses:checkbox QueueRoutingConfigId:id',
    children: 'GroupMembers>GroupMember QueueSobjects>QueueSobject',
  },
  GroupMember: {
    noCommon: true,
    fields: 'Id:id SystemModstamp:datetime GroupId:ref(Group)>Group UserOrGroupId:ref(User|Group)',
  },
  QueueSobject: {
    noCommon: true,
    fields:
      'Id:id SystemModstamp:datetime CreatedById:ref(User)>CreatedBy QueueId:ref(Group)>Queue SobjectType:picklist',
  },
  Campaign: {
    fields:
      'Name:text Type:picklist Status:picklist StartDate:date EndDate:date IsActive:checkbox ParentId:ref(Campaign)>Parent ' +
      'OwnerId:ref(User)>Owner Description:textarea NumberOfLeads:number NumberOfContacts:number ' +
      'NumberOfResponses:number ActualCost:currency BudgetedCost:currency ExpectedRevenue:currency',
    children: 'CampaignMembers>CampaignMember',
  },
  CampaignMember: {
    fields:
      'Name:text CampaignId:ref(Campaign)>Campaign LeadId:ref(Lead)>Lead ContactId:ref(Contact)>Contact Status:picklist ' +
      'HasResponded:checkbox FirstRespondedDate:date LeadOrContactId:id LeadOrContactOwnerId:id Type:text ' +
      'FirstName:text LastName:text Email:email Phone:phone CompanyOrAccount:text Title:text LeadSource:picklist',
  },
  BusinessHours: {
    fields:
      'Name:text IsActive:checkbox IsDefault:checkbox TimeZoneSidKey:picklist MondayStartTime:time MondayEndTime:time ' +
      'TuesdayStartTime:time TuesdayEndTime:time WednesdayStartTime:time WednesdayEndTime:time ' +
      'ThursdayStartTime:time ThursdayEndTime:time FridayStartTime:time FridayEndTime:time ' +
      'SaturdayStartTime:time SaturdayEndTime:time SundayStartTime:time SundayEndTime:time',
  },
  Holiday: {
    fields:
      'Name:text Description:textarea ActivityDate:date IsAllDay:checkbox StartTimeInMinutes:number ' +
      'EndTimeInMinutes:number IsRecurrence:checkbox',
  },
  PermissionSet: {
    fields:
      'Name:text Label:text Description:textarea IsOwnedByProfile:checkbox ProfileId:ref(Profile)>Profile ' +
      'NamespacePrefix:text Type:picklist PermissionSetGroupId:id IsCustom:checkbox LicenseId:id',
    children: 'Assignments>PermissionSetAssignment SetupEntityAccessItems>SetupEntityAccess',
  },
  PermissionSetAssignment: {
    noCommon: true,
    fields:
      'Id:id SystemModstamp:datetime AssigneeId:ref(User)>Assignee PermissionSetId:ref(PermissionSet)>PermissionSet ' +
      'PermissionSetGroupId:id IsActive:checkbox ExpirationDate:datetime',
  },
  PermissionSetGroup: {
    fields: 'DeveloperName:text MasterLabel:text Description:textarea Status:picklist NamespacePrefix:text',
  },
  SetupEntityAccess: {
    noCommon: true,
    fields:
      'Id:id SystemModstamp:datetime ParentId:ref(PermissionSet)>Parent SetupEntityId:id SetupEntityType:picklist',
  },
  CustomPermission: {
    fields:
      'DeveloperName:text MasterLabel:text Description:textarea NamespacePrefix:text IsProtected:checkbox ' +
      'Language:picklist IsLicensed:checkbox',
  },
  Profile: { fields: 'Name:text UserType:picklist UserLicenseId:id Description:textarea' },
  UserRole: {
    noCommon: true,
    fields:
      'Id:id SystemModstamp:datetime LastModifiedDate:datetime Name:text DeveloperName:text ' +
      'ParentRoleId:ref(UserRole)>ParentRole RollupDescription:text',
  },
  RecordType: {
    fields:
      'Name:text DeveloperName:text SobjectType:picklist IsActive:checkbox Description:text NamespacePrefix:text',
  },
  ProcessDefinition: {
    fields:
      'Name:text DeveloperName:text Type:picklist TableEnumOrId:picklist State:picklist Description:text LockType:picklist',
  },
  ProcessInstance: {
    fields:
      'TargetObjectId:ref(*)>TargetObject Status:picklist ProcessDefinitionId:ref(ProcessDefinition)>ProcessDefinition ' +
      'CompletedDate:datetime LastActorId:ref(User)>LastActor SubmittedById:ref(User)>SubmittedBy ' +
      'ElapsedTimeInDays:number ElapsedTimeInHours:number ElapsedTimeInMinutes:number',
    children:
      'Steps>ProcessInstanceStep StepsAndWorkitems>ProcessInstanceHistory Workitems>ProcessInstanceWorkitem ' +
      'Nodes>ProcessInstanceNode',
  },
  ProcessInstanceStep: {
    noCommon: true,
    fields:
      'Id:id CreatedDate:datetime CreatedById:ref(User)>CreatedBy SystemModstamp:datetime ' +
      'ProcessInstanceId:ref(ProcessInstance)>ProcessInstance StepStatus:picklist ' +
      'OriginalActorId:ref(User|Group)>OriginalActor ActorId:ref(User|Group)>Actor Comments:textarea StepNodeId:id ' +
      'ElapsedTimeInDays:number ElapsedTimeInHours:number ElapsedTimeInMinutes:number',
  },
  ProcessInstanceWorkitem: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy SystemModstamp:datetime ' +
      'ProcessInstanceId:ref(ProcessInstance)>ProcessInstance OriginalActorId:ref(User|Group)>OriginalActor ' +
      'ActorId:ref(User|Group)>Actor ElapsedTimeInDays:number ElapsedTimeInHours:number ElapsedTimeInMinutes:number',
  },
  ProcessInstanceHistory: {
    noCommon: true,
    fields:
      'Id:id IsDeleted:checkbox CreatedDate:datetime CreatedById:ref(User)>CreatedBy SystemModstamp:datetime ' +
      'ProcessInstanceId:ref(ProcessInstance)>ProcessInstance StepStatus:picklist IsPending:checkbox ' +
      'OriginalActorId:ref(User|Group)>OriginalActor ActorId:ref(User|Group)>Actor Comments:textarea ' +
      'TargetObjectId:ref(*)>TargetObject StepNodeId:id RemindersSent:number',
  },
  ProcessInstanceNode: {
    fields:
      'ProcessInstanceId:ref(ProcessInstance)>ProcessInstance ProcessNodeId:id NodeStatus:picklist ' +
      'ProcessNodeName:text CompletedDate:datetime LastActorId:ref(User)>LastActor',
  },
  StaticResource: {
    fields:
      'Name:text Body:base64 BodyLength:number ContentType:text Description:textarea NamespacePrefix:text ' +
      'CacheControl:picklist',
  },
  AsyncApexJob: {
    noCommon: true,
    fields:
      'Id:id CreatedDate:datetime CreatedById:ref(User)>CreatedBy ApexClassId:ref(ApexClass)>ApexClass Status:picklist ' +
      'JobType:picklist JobItemsProcessed:number TotalJobItems:number NumberOfErrors:number CompletedDate:datetime ' +
      'ExtendedStatus:text MethodName:text ParentJobId:id LastProcessed:text LastProcessedOffset:number ' +
      'CronTriggerId:ref(CronTrigger)>CronTrigger',
  },
  ApexClass: {
    fields:
      'Name:text NamespacePrefix:text Status:picklist ApiVersion:number IsValid:checkbox LengthWithoutComments:number',
  },
  CronTrigger: {
    noCommon: true,
    fields:
      'Id:id CreatedDate:datetime CreatedById:ref(User)>CreatedBy CronJobDetailId:ref(CronJobDetail)>CronJobDetail ' +
      'State:picklist NextFireTime:datetime PreviousFireTime:datetime CronExpression:text TimesTriggered:number ' +
      'StartTime:datetime EndTime:datetime TimeZoneSidKey:picklist OwnerId:ref(User)>Owner',
  },
  CronJobDetail: { noCommon: true, fields: 'Id:id Name:text JobType:picklist' },
  Organization: {
    fields:
      'Name:text IsSandbox:checkbox OrganizationType:picklist InstanceName:text TimeZoneSidKey:picklist ' +
      'DefaultLocaleSidKey:picklist LanguageLocaleKey:picklist NamespacePrefix:text TrialExpirationDate:datetime ' +
      'FiscalYearStartMonth:number UsesStartDateAsFiscalYearName:checkbox PrimaryContact:text Division:text ' +
      'Phone:phone Fax:phone IsReadOnly:checkbox ' +
      ADDRESS(''),
  },
  EmailTemplate: {
    fields:
      'Name:text DeveloperName:text Subject:text Body:textarea HtmlValue:textarea TemplateType:picklist ' +
      'IsActive:checkbox FolderId:id Description:text',
  },
  OrgWideEmailAddress: {
    fields: 'Address:email DisplayName:text IsAllowAllProfiles:checkbox Purpose:picklist',
  },
  // beyond apex-ls's API 65 library: EntityDefinition's Fields child relationship, FlowDefinitionView's
  // TriggerObjectOrEvent lookup (apex-ls lists only TriggerObjectOrEventId)
  EntityDefinition: {
    noCommon: true,
    fields: 'Id:id DurableId:text QualifiedApiName:text DeveloperName:text Label:text',
    children: 'Fields>FieldDefinition Particles>EntityParticle',
  },
  FlowDefinitionView: {
    noCommon: true,
    fields: 'Id:id ApiName:text Label:text TriggerObjectOrEventId:ref(EntityDefinition)>TriggerObjectOrEvent',
  },
};

export interface SchemaObject {
  name: string;
  custom: boolean;
  fields: Map<string, SchemaField>; // key: lower-case field name
  /** child relationship name (lower-case) -> child object API name */
  children: Map<string, string>;
}

function parseDefinition(
  name: string,
  def: { fields: string; children?: string; noCommon?: boolean },
): SchemaObject {
  const fields = new Map<string, SchemaField>();
  const text = def.noCommon ? def.fields : `${COMMON} ${def.fields}`;
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const m = /^(\w+):(\w+)(?:\(([\w|*]+)\))?(?:>(\w+))?$/.exec(token);
    if (!m) throw new Error(`standardSchema: bad field token "${token}" on ${name}`);
    const [, field, type, refs, rel] = m;
    const isRef = type === 'ref';
    fields.set(field.toLowerCase(), {
      name: field,
      type: isRef ? 'reference' : (type as StandardFieldType),
      referenceTo: refs ? refs.split('|') : undefined,
      relationshipName: rel,
    });
  }
  const children = new Map<string, string>();
  for (const token of (def.children ?? '').split(/\s+/).filter(Boolean)) {
    const [rel, child] = token.split('>');
    children.set(rel.toLowerCase(), child);
  }
  return { name, custom: false, fields, children };
}

/** The standard objects, keyed by lower-case API name. */
export function standardObjects(): Map<string, SchemaObject> {
  const out = new Map<string, SchemaObject>();
  for (const [name, def] of Object.entries(DEFINITIONS))
    out.set(name.toLowerCase(), parseDefinition(name, def));
  return out;
}
