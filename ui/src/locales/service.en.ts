/** Texts of the complaints and service page (投诉与服务): complaints, their clocks and head office's service clocks. */
export default {
  nav: { service: 'Complaints & service' },
  service: {
    title: 'Complaints & service',
    intro:
      "Customers' complaints and feedback are logged here: passed on to quality at head office, handled, replied to the customer, and closed with the customer's satisfaction. Every clock runs from the time of logging; each clock missed escalates the complaint one level (regional manager, provincial manager, head office).",
    refresh: 'Refresh',
    new: 'Log a complaint',
    tabs: {
      open: 'Open',
      overdue: 'Overdue',
      all: 'All',
      clocks: 'Service clocks',
    },
    empty: {
      open: 'No open complaints',
      overdue: 'No overdue complaints',
      all: 'No complaints logged yet',
    },
    kinds: {
      quality: 'Product quality',
      delivery: 'Delivery',
      price: 'Price',
      service: 'Service',
      other: 'Other',
    },
    feedback: 'Feedback',
    stages: {
      logged: 'Logged',
      passed_on: 'With quality',
      handled: 'Handled',
      replied: 'Replied',
      closed: 'Closed',
    },
    clocks: {
      passed_on: 'To quality',
      handled: 'Handling',
      replied: 'Reply',
    },
    levels: {
      region: 'Escalated to the regional manager',
      province: 'Escalated to the provincial manager',
      office: 'Escalated to head office',
    },
    columns: {
      customer: 'Customer',
      kind: 'Kind',
      words: "Customer's words",
      logged: 'Logged',
      stage: 'Stage',
      next: 'Next clock',
      missed: 'Clocks missed',
      actions: 'Actions',
    },
    open: 'Open',
    next: {
      due: '{clock}: by {at}',
      overdue: 'Overdue',
      none: 'None',
    },
    loggedBy: '{name} · {at}',
    detail: {
      customer: 'Customer',
      openCard: 'Open the customer card',
      owner: 'Rep',
      territory: 'Territory',
      product: 'Product',
      attachment: 'Attachment',
      noAttachment: 'No attachment',
      words: "Customer's words",
      stages: 'What happened',
      clock: 'Clocks',
      nextClock: 'Next clock',
      missed: 'Clocks missed',
      nothingMissed: 'None missed',
      level: 'Escalation',
      notEscalated: 'Not escalated',
      logged: 'Logged by {name}',
      passedOn: 'Taken over by quality at head office',
      handled: 'Handled by {name}',
      replied: 'Replied to the customer by {name}',
      closed: 'Closed by {name}',
      satisfaction: "Customer's satisfaction",
      notYet: 'Not yet',
      done: 'This complaint is closed',
    },
    step: {
      handleTitle: 'Handle',
      handleHint: 'Quality at head office takes complaints over and handles them; the rep then replies to the customer.',
      handleNote: 'What quality did',
      handlePlaceholder: 'The cause quality found and what was done',
      handle: 'Handle',
      replyTitle: 'Reply to the customer',
      replyNote: 'Reply',
      replyPlaceholder: 'What the customer was told',
      reply: 'Reply to the customer',
      closeTitle: 'Close',
      closeHint: 'Ask the customer how satisfied they are with the outcome, record 1 to 5 stars and close.',
      rate: "Customer's satisfaction",
      close: 'Close',
      handled: 'Handling recorded',
      replied: 'Reply recorded',
      closed: 'Complaint closed',
    },
    form: {
      title: 'Log a complaint',
      customer: 'Customer',
      kind: 'Kind',
      feedback: 'Feedback',
      feedbackHint: "On: the customer's opinion or suggestion rather than a complaint; it runs on the same clocks.",
      product: 'Product',
      productPlaceholder: 'The product it is about (optional)',
      words: "Customer's words",
      wordsPlaceholder: 'As close to what the customer said as you can',
      attachment: 'Attachment file name',
      attachmentPlaceholder: 'The name of a photo or other file (optional), e.g. torn-bag.jpg',
      submit: 'Log',
      saved: 'Logged; the clocks run from now',
      customerNeeded: 'Choose the customer',
    },
    clocksTab: {
      intro: 'Three clocks per kind of complaint, all running from the time of logging: passed on to quality, handled, replied to the customer. Each clock missed escalates the complaint one level.',
      current: 'Now',
      currentText: 'to quality {pass}, handled {handle}, replied {reply}',
      hours: 'hours',
      minutes: 'minutes',
      save: 'Save',
      saved: 'Service clocks of {kind} saved',
      duration: {
        hours: '{h} h',
        minutes: '{m} min',
        both: '{h} h {m} min',
      },
    },
    home: {
      title: 'Overdue complaints',
      all: 'Open complaints & service',
      due: '{clock} overdue',
    },
    card: {
      log: 'Log a complaint',
    },
    problems: {
      byStep: {
        handled: {
          stage: {
            bad_status_change: 'This complaint is handled or closed already',
          },
          note: {
            required: 'Write down what quality did',
          },
        },
        replied: {
          stage: {
            bad_status_change: 'The customer is replied to once quality has handled it, and only once; a closed complaint takes no reply',
          },
          note: {
            required: 'Write down what the customer was told',
          },
        },
        closed: {
          stage: {
            bad_status_change: 'A complaint closes once the customer had the reply, and only once',
          },
        },
      },
      stage: {
        office_only: 'Quality at head office takes complaints over and handles them; only head office records the handling',
        bad_status_change: 'This step cannot be taken now',
      },
      note: {
        too_long: 'At most 2000 characters',
      },
      satisfaction: {
        required: "Choose the customer's satisfaction",
        out_of_range: 'Satisfaction is 1 to 5 stars',
      },
      customerId: {
        required: 'Choose the customer',
      },
      words: {
        required: "Write down the customer's words",
        too_long: "At most 2000 characters of the customer's words",
      },
      attachment: {
        bad_value: "Give the file's name only, without its folder",
        too_long: 'At most 200 characters of file name',
      },
      product: {
        unknown_product: 'There is no such product in the catalogue',
      },
      passMinutes: {
        out_of_range: 'A clock is a minute to a year',
      },
      handleMinutes: {
        out_of_range: 'Handling is a minute to a year, no shorter than passing on and no longer than the reply',
      },
      replyMinutes: {
        out_of_range: 'A clock is a minute to a year',
      },
    },
  },
}
