/** Texts of the complaints and service page (投诉与服务): complaints, their clocks and head office's service clocks. */
export default {
  nav: { service: '投诉与服务' },
  service: {
    title: '投诉与服务',
    intro: '客户的投诉和意见反馈在这里登记：转总部质量部处理，处理后答复客户，答复后按客户满意度关闭。各环节的时限都从登记时起算，超过一个时限就逐级升级（区域经理、省级经理、总部）。',
    refresh: '刷新',
    new: '登记投诉',
    tabs: {
      open: '未关闭',
      overdue: '已超时',
      all: '全部',
      clocks: '服务时限',
    },
    empty: {
      open: '没有未关闭的投诉',
      overdue: '没有超时的投诉',
      all: '还没有登记投诉',
    },
    kinds: {
      quality: '产品质量',
      delivery: '送货',
      price: '价格',
      service: '服务',
      other: '其他',
    },
    feedback: '意见反馈',
    stages: {
      logged: '已登记',
      passed_on: '已转质量部',
      handled: '已处理',
      replied: '已答复',
      closed: '已关闭',
    },
    /** The clocks, by the stage that stops them. */
    clocks: {
      passed_on: '转质量部',
      handled: '处理',
      replied: '答复客户',
    },
    levels: {
      region: '已升级至区域经理',
      province: '已升级至省级经理',
      office: '已升级至总部',
    },
    columns: {
      customer: '客户',
      kind: '类型',
      words: '客户原话',
      logged: '登记',
      stage: '进度',
      next: '下一时限',
      missed: '已超过的时限',
      actions: '操作',
    },
    open: '查看',
    next: {
      due: '{clock}：{at} 前',
      overdue: '已超时',
      none: '无',
    },
    loggedBy: '{name} · {at}',
    /** The detail drawer. */
    detail: {
      customer: '客户',
      openCard: '打开客户档案',
      owner: '负责业务员',
      territory: '片区',
      product: '产品',
      attachment: '附件',
      noAttachment: '无附件',
      words: '客户原话',
      stages: '处理经过',
      clock: '时限',
      nextClock: '下一时限',
      missed: '已超过的时限',
      nothingMissed: '均未超时',
      level: '升级',
      notEscalated: '未升级',
      logged: '{name} 登记',
      passedOn: '总部质量部已接手',
      handled: '{name} 处理',
      replied: '{name} 答复客户',
      closed: '{name} 关闭',
      satisfaction: '客户满意度',
      notYet: '尚未进行',
      done: '该投诉已关闭',
    },
    /** The next step of a complaint, as offered in the drawer. */
    step: {
      handleTitle: '处理',
      handleHint: '投诉由总部质量部接手和处理；处理后业务员答复客户。',
      handleNote: '处理结果',
      handlePlaceholder: '质量部查明的原因和采取的措施',
      handle: '处理',
      replyTitle: '答复客户',
      replyNote: '答复内容',
      replyPlaceholder: '告诉客户的处理结果',
      reply: '答复客户',
      closeTitle: '关闭',
      closeHint: '请询问客户对处理结果的满意度，按 1 到 5 星记录后关闭。',
      rate: '客户满意度',
      close: '关闭',
      handled: '已记录处理结果',
      replied: '已记录答复',
      closed: '投诉已关闭',
    },
    /** The new-complaint dialog. */
    form: {
      title: '登记投诉',
      customer: '客户',
      kind: '类型',
      feedback: '意见反馈',
      feedbackHint: '打开表示这是客户的意见或建议，而不是投诉；同样按时限处理。',
      product: '产品',
      productPlaceholder: '涉及的产品（可不选）',
      words: '客户原话',
      wordsPlaceholder: '尽量按客户的原话记录',
      attachment: '附件文件名',
      attachmentPlaceholder: '照片等文件的文件名（可不填），如 破袋照片.jpg',
      submit: '登记',
      saved: '已登记，时限从现在起算',
      customerNeeded: '请选择客户',
    },
    /** Head office's service clocks (服务时限). */
    clocksTab: {
      intro: '每类投诉的三个时限，都从登记时起算：先转质量部，再处理，再答复客户。超过一个时限，投诉就升级一级。',
      current: '当前',
      currentText: '转质量部 {pass}，处理 {handle}，答复客户 {reply}',
      hours: '小时',
      minutes: '分钟',
      save: '保存',
      saved: '已保存{kind}的服务时限',
      duration: {
        hours: '{h} 小时',
        minutes: '{m} 分钟',
        both: '{h} 小时 {m} 分钟',
      },
    },
    /** The today page's block. */
    home: {
      title: '超时投诉',
      all: '打开投诉与服务',
      due: '{clock}已超时',
    },
    card: {
      log: '登记投诉',
    },
    /** Refusals of this page by the step tried, the field and the code the book names, or by field and code; others use the general texts. */
    problems: {
      byStep: {
        handled: {
          stage: {
            bad_status_change: '这条投诉已经处理过或已关闭，不能再处理',
          },
          note: {
            required: '请填写处理结果',
          },
        },
        replied: {
          stage: {
            bad_status_change: '质量部处理后才能答复客户；已答复或已关闭的投诉不能再答复',
          },
          note: {
            required: '请填写答复客户的内容',
          },
        },
        closed: {
          stage: {
            bad_status_change: '答复客户后才能关闭；已关闭的投诉不能再关闭',
          },
        },
      },
      stage: {
        office_only: '投诉由总部质量部接手和处理，只有总部可以记录处理结果',
        bad_status_change: '这一步现在不能做',
      },
      note: {
        too_long: '最多 2000 个字',
      },
      satisfaction: {
        required: '请选择客户满意度',
        out_of_range: '满意度为 1 到 5 星',
      },
      customerId: {
        required: '请选择客户',
      },
      words: {
        required: '请记录客户的原话',
        too_long: '客户原话最多 2000 个字',
      },
      attachment: {
        bad_value: '只填写文件名，不要带文件夹路径',
        too_long: '文件名最多 200 个字符',
      },
      product: {
        unknown_product: '产品目录中没有这个产品',
      },
      passMinutes: {
        out_of_range: '时限为 1 分钟到 1 年',
      },
      handleMinutes: {
        out_of_range: '处理时限须在 1 分钟到 1 年之间，且不能短于转质量部时限、不能长于答复客户时限',
      },
      replyMinutes: {
        out_of_range: '时限为 1 分钟到 1 年',
      },
    },
  },
}
